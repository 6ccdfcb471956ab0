/** Runs in every test file (jest `setupFilesAfterEnv`): its temporary folders go when it ends. */
import { afterAll } from '@jest/globals';
import { removeTempDirs } from './temp.js';

afterAll(() => removeTempDirs());
