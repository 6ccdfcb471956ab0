/** Bad input the user must fix (a missing file, a bad option): exit code 2 or a failed step, not a crash. */
export class InputError extends Error {
  override name = 'InputError';
}

const FS_REASONS: Record<string, string> = {
  ENOTDIR: 'a part of the path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EEXIST: 'something is already there',
  EISDIR: 'it is a folder',
  ENOENT: 'no such file or folder',
};

/**
 * A file-system failure while writing results, as an InputError the user can act on (the path and
 * the reason), not an internal error with a stack trace. Other errors are returned unchanged.
 */
export function writeFailure(error: unknown, what: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (error instanceof InputError || !code || !(code in FS_REASONS)) return error;
  return new InputError(
    `cannot write ${what}: ${FS_REASONS[code]} (${code}). Choose another folder (--out-dir) or fix its permissions.`,
  );
}
