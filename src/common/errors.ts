/** Bad input the user must fix (a missing file, a bad option): exit code 2 or a failed step, not a crash. */
export class InputError extends Error {
  override name = 'InputError';
}
