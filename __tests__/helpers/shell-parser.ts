/**
 * Runs in every test file (jest `setupFilesAfterEnv`): the shell parser is loaded, as a run loads
 * it before lint and plan when a script needs it, so tests may call lint, plan and readScript
 * directly.
 */
import { beforeAll } from '@jest/globals';
import { loadShellParser } from '../../src/workflow/shell.js';

beforeAll(() => loadShellParser());
