/**
 * The network and tools as a machine without network sees them: every request and every program
 * the resolve stage would start fails at once. Tests that plan the examples pass these, so they
 * never reach conda-forge, PyPI or npm from CI (the resolve stage then reports the groups as
 * unverified, which is also what an air-gapped runner without a lock file gets).
 */
import type { RunProcess } from '../../src/common/process.js';
import type { FetchFn } from '../../src/resolve/types.js';

export const offlineFetch: FetchFn = () =>
  Promise.reject(new TypeError('fetch failed', { cause: { code: 'ENETUNREACH' } }));

export const offlineRun: RunProcess = () => Promise.reject(new Error('no tools in this test'));

export const offline = { fetch: offlineFetch, run: offlineRun };
