/** Image references that may reach a Dockerfile `FROM` line or a `docker run`. */

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const HOST =
  '(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]+)?|\\[[0-9a-fA-F:]+\\](?::[0-9]+)?)';
const REFERENCE = new RegExp(
  `^(?:${HOST}/)?${COMPONENT}(?:/${COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
);

/** The Docker reference grammar (distribution/reference), without variables or whitespace. */
export function isImageReference(ref: string): boolean {
  return ref.length <= 512 && REFERENCE.test(ref);
}

/** Group names become image names and folder names: lower case, `[a-z0-9]` with `._-` between. */
export function isGroupName(name: string): boolean {
  return /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(name) && name.length <= 63;
}
