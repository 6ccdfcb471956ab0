// Lets `node --import ./bench/register.mjs bench/run.ts` run the TypeScript benchmarks (via tsx).
import { register } from 'tsx/esm/api';

register();
