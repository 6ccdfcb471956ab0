/**
 * Turns ajv's raw errors into one clear STW100 message per offending node: unknown keys with a
 * "did you mean", missing keys at the parent, and a single readable message for unions
 * (anyOf/oneOf) instead of one error per branch.
 */
import type { ErrorObject } from 'ajv';
import { closest, SuggestionBudget } from '../common/suggest.js';
import type { NodePath } from './model.js';

export interface SchemaProblem {
  path: NodePath;
  /** Point at the mapping key (unknown or badly named keys, missing children) or at the value. */
  part: 'key' | 'value';
  message: string;
  /**
   * The field this problem stands for: the node itself, or for a misspelt key the key it was
   * meant to be (`sofware` → `software`). Rules that report a missing field stay quiet there.
   */
  covers?: NodePath;
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
  // One budget for every "did you mean" of the document: thousands of unknown keys stay bounded.
  const budget = new SuggestionBudget();
  const byNode = new Map<string, ErrorObject[]>();
  for (const error of errors) {
    if (error.keyword === 'additionalProperties') {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((error.parentSchema as { properties?: object })?.properties ?? {});
      const suggestion = closest(key, known, budget);
      const where = pointerToPath(error.instancePath, data);
      problems.push({
        path: [...where, key],
        ...(suggestion ? { covers: [...where, suggestion] } : {}),
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
    problems.push(problemFor(chosen, path, data, budget));
  }
  return problems;
}

function rank(error: ErrorObject): number {
  const i = PRIORITY.indexOf(error.keyword);
  return i === -1 ? PRIORITY.length : i;
}

function problemFor(
  error: ErrorObject,
  path: NodePath,
  data: unknown,
  budget: SuggestionBudget,
): SchemaProblem {
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
      const suggestion = typeof value === 'string' ? closest(value, allowed, budget) : undefined;
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
