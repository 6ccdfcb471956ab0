/**
 * The registry host an image name names, read as the docker CLI reads it: the first component
 * when it holds `.` or `:` or is `localhost` and more follows; undefined for a Docker Hub name
 * (`debian:12`, `acme/tool`). One reading for the registry client, builders and importers.
 */
export function registryHostOf(name: string): string | undefined {
  const slash = name.indexOf('/');
  if (slash === -1) return undefined;
  const first = name.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : undefined;
}
