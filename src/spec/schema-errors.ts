/**
 * Turns ajv's raw errors into one clear STW100 message per offending node: unknown keys with a
 * "did you mean", missing keys at the parent, and a single readable message for unions
 * (anyOf/oneOf) instead of one error per branch.
 */
import type { ErrorObject } from 'ajv';
import type { NodePath } from './model.js';

export interface SchemaProblem {
  path: NodePath;
  /** Point at the mapping key (unknown or badly named keys, missing children) or at the value. */
  part: 'key' | 'value';
  message: string;
}

/** JSON pointer (`/steps/a/run`) → path segments; array indexes become numbers. */
export function pointerToPath(pointer: string, data: unknown): (string | number)[] {
  if (!pointer) return [];
  const path: (string | number)[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const key = Array.isArray(node) ? Number(segment) : segment;
    path.push(key);
    node = (node as Record<string | number, unknown> | undefined)?.[key];
  }
  return path;
}

/**
 * Edit distance counting a swap of two neighbouring letters as one edit (optimal string
 * alignment), so the commonest typos (`rnu` → `run`) are one edit away.
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest candidate within a distance that still reads as a typo, if any. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(1, Math.floor(word.length / 3));
  if (best !== undefined && bestDistance <= allowed) return best;
  // A truncated key (`manual-minutes` for `manual-minutes-per-run`) reads as the longer one.
  const lower = word.toLowerCase();
  return lower.length >= 4 ? candidates.find((c) => c.toLowerCase().startsWith(lower)) : undefined;
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
};

function describe(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string "${value}"`;
  return `${typeof value === 'number' ? 'the number' : ''} ${String(value)}`.trim();
}

function valueAt(data: unknown, path: NodePath): unknown {
  let node: unknown = data;
  for (const segment of path)
    node = (node as Record<string | number, unknown> | undefined)?.[segment];
  return node;
}

function lastKey(path: NodePath): string {
  const last = path[path.length - 1];
  return last === undefined ? 'the document' : `"${String(last)}"`;
}

/** Keywords ranked by how directly they tell the user what to fix. */
const PRIORITY = [
  'type',
  'const',
  'enum',
  'required',
  'minProperties',
  'minItems',
  'minLength',
  'pattern',
  'minimum',
  'maxLength',
];

/** One problem per node, in the order the nodes appear in ajv's report. */
export function explainSchemaErrors(
  errors: readonly ErrorObject[],
  data: unknown,
): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const byNode = new Map<string, ErrorObject[]>();
  for (const error of errors) {
    if (error.keyword === 'additionalProperties') {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((error.parentSchema as { properties?: object })?.properties ?? {});
      const suggestion = didYouMean(key, known);
      const where = pointerToPath(error.instancePath, data);
      problems.push({
        path: [...where, key],
        part: 'key',
        message:
          `unknown key "${key}"` +
          (suggestion
            ? ` (did you mean "${suggestion}"?)`
            : known.length
              ? `; expected one of: ${known.join(', ')}`
              : ''),
      });
      continue;
    }
    if (error.keyword === 'propertyNames') continue; // explained by the nested error below
    const pointer =
      error.propertyName !== undefined
        ? `${error.instancePath}\u0000${error.propertyName}`
        : error.instancePath;
    const list = byNode.get(pointer) ?? [];
    list.push(error);
    byNode.set(pointer, list);
  }
  // Errors inside a union's branches are replaced by the union's own message.
  const unions = [...byNode.entries()].filter(([, list]) =>
    list.some((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf'),
  );
  for (const [pointer, list] of byNode) {
    const union = list.find((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
    const insideUnion = !union && unions.some(([p]) => pointer.startsWith(p + '/'));
    if (insideUnion) continue;
    const [instancePath, propertyName] = pointer.split('\u0000') as [string, string | undefined];
    const path = pointerToPath(instancePath, data);
    if (propertyName !== undefined) {
      const error = list[0]!;
      const custom = (error.parentSchema as { 'x-message'?: string } | undefined)?.['x-message'];
      problems.push({
        path: [...path, propertyName],
        part: 'key',
        message: `invalid name "${propertyName}": ${custom ?? error.message ?? 'not allowed'}`,
      });
      continue;
    }
    const chosen = union ?? [...list].sort((a, b) => rank(a) - rank(b))[0]!;
    problems.push(problemFor(chosen, path, data));
  }
  return problems;
}

function rank(error: ErrorObject): number {
  const i = PRIORITY.indexOf(error.keyword);
  return i === -1 ? PRIORITY.length : i;
}

function problemFor(error: ErrorObject, path: NodePath, data: unknown): SchemaProblem {
  const schema = error.parentSchema as { 'x-message'?: string; enum?: unknown[] } | undefined;
  const custom = schema?.['x-message'];
  const value = valueAt(data, path);
  switch (error.keyword) {
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return {
        path,
        part: 'key',
        message: `${lastKey(path)} is missing the required key "${missing}"`,
      };
    }
    case 'type': {
      const expected = String((error.params as { type: string }).type)
        .split(',')
        .map((t) => TYPE_NAMES[t] ?? t)
        .join(' or ');
      return {
        path,
        part: 'value',
        message: `${lastKey(path)} must be ${expected}, not ${describe(value)}${custom ? `: ${custom}` : ''}`,
      };
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const suggestion = typeof value === 'string' ? didYouMean(value, allowed) : undefined;
      return {
        path,
        part: 'value',
        message:
          `${lastKey(path)} cannot be ${describe(value)}` +
          (suggestion
            ? ` (did you mean "${suggestion}"?)`
            : `; expected one of: ${allowed.join(', ')}`),
      };
    }
    case 'minProperties':
    case 'minItems':
      return { path, part: 'value', message: `${lastKey(path)} must not be empty` };
    default:
      return {
        path,
        part: 'value',
        message: `${lastKey(path)}: ${custom ?? error.message ?? 'is not valid'}`,
      };
  }
}
