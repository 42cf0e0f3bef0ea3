/**
 * Fields of an event that Optline does not use ("extras": a shop's `storeId`, an item's `variantId`)
 * are kept with the event and readable in templates, within bounds: they are stored in DynamoDB,
 * carried on the bus and into flow executions, so their size, depth, names and numbers are checked
 * here. Pure: the rules as data and functions, used by the event schemas in commerce-events.ts.
 */
import { variableName } from './variable-names';

export const EXTRA_LIMITS = {
  /** Extra fields on an event, on each of its items, and entries in each object or array within them. */
  maxEntries: 50,
  /** Levels of fields, the extra field itself included: `{ "a": { "b": { "c": 1 } } }` is the deepest. */
  maxDepth: 3,
  /** All extras of one event together (its own and its items'), as UTF-8 JSON. */
  maxBytes: 8 * 1024,
  /** Characters in a field name. */
  maxNameLength: 64,
} as const;

/**
 * Names no field may have, at any depth: the properties every JavaScript object inherits
 * (`__proto__`, `constructor`, `toString`…) and `prototype`. Assigning such a key is how prototype
 * pollution starts; no shop needs one.
 */
export const REFUSED_NAMES: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  'prototype',
]);

export interface ExtraProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** The first field, at any depth of a JSON value, whose name is refused (see REFUSED_NAMES). */
export function refusedName(value: unknown, path: (string | number)[] = []): ExtraProblem | undefined {
  if (Array.isArray(value)) {
    for (const [index, element] of value.entries()) {
      const found = refusedName(element, [...path, index]);
      if (found) return found;
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const key of Object.keys(value)) {
    if (REFUSED_NAMES.has(key))
      return {
        path: [...path, key],
        message: 'is a name every JavaScript object reserves: rename the field',
      };
    const found = refusedName((value as Record<string, unknown>)[key], [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/** The fields of an object that are not among the known ones. */
export function extrasOf(
  object: Readonly<Record<string, unknown>>,
  known: ReadonlySet<string>,
): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([key]) => !known.has(key)));
}

/** A template name an object's known field has, or one Optline adds to the event. */
export interface TakenName {
  readonly field: string;
  readonly addedByOptline?: boolean;
}

/**
 * What is wrong with an object's extras: too many, too deep, a name that is empty, too long, holds
 * control characters or shares its template name with another field (`storeId` and `store_id`, or
 * `cart_url` beside a known `cartUrl`), a number DynamoDB cannot store, a string with control
 * characters. `taken` are the template names of the object's known fields and of what Optline adds.
 */
export function extrasProblems(
  extras: Readonly<Record<string, unknown>>,
  taken: ReadonlyMap<string, TakenName>,
): ExtraProblem[] {
  const problems: ExtraProblem[] = [];
  if (Object.keys(extras).length > EXTRA_LIMITS.maxEntries) {
    problems.push({
      path: [],
      message: `has more than ${EXTRA_LIMITS.maxEntries} fields Optline does not use`,
    });
    return problems;
  }
  checkEntries(extras, [], 1, problems, taken);
  return problems;
}

const utf8 = new TextEncoder();

/** Bytes of a JSON value as UTF-8 JSON. */
export function jsonBytes(value: unknown): number {
  return utf8.encode(JSON.stringify(value) ?? '').length;
}

/** Bytes of the extras as JSON (UTF-8); objects without extras count nothing. */
export function extrasBytes(extras: readonly Readonly<Record<string, unknown>>[]): number {
  return extras.reduce((sum, e) => sum + (Object.keys(e).length === 0 ? 0 : jsonBytes(e)), 0);
}

function checkEntries(
  object: Readonly<Record<string, unknown>>,
  path: (string | number)[],
  level: number,
  problems: ExtraProblem[],
  taken: ReadonlyMap<string, TakenName> = new Map(),
): void {
  const names = new Map(taken);
  for (const [key, value] of Object.entries(object)) {
    const at = [...path, key];
    const nameProblem = fieldNameProblem(key);
    if (nameProblem) {
      problems.push({ path: at, message: nameProblem });
      continue;
    }
    const variable = variableName(key);
    const other = names.get(variable);
    if (other !== undefined) {
      problems.push({
        path: at,
        message: other.addedByOptline
          ? `is the template variable ${variable}, which Optline sets: rename the field`
          : `is the same template variable (${variable}) as ${other.field}: send one of them`,
      });
      continue;
    }
    names.set(variable, { field: key });
    checkValue(value, at, level, problems);
  }
}

function checkValue(value: unknown, path: (string | number)[], level: number, problems: ExtraProblem[]) {
  if (typeof value === 'number') {
    if (!(value === 0 || (Math.abs(value) >= 1e-130 && Math.abs(value) < 1e126)))
      problems.push({ path, message: 'must be 0 or a number of magnitude 1e-130 to 1e126' });
    return;
  }
  if (typeof value === 'string') {
    // Tab, line feed and carriage return are text; other control characters are not.
    if (/(?![\t\n\r])\p{Cc}/u.test(value))
      problems.push({ path, message: 'must not hold control characters' });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const entries = Array.isArray(value) ? value.length : Object.keys(value).length;
  if (entries === 0) return;
  if (level >= EXTRA_LIMITS.maxDepth) {
    problems.push({ path, message: `nests deeper than ${EXTRA_LIMITS.maxDepth} levels of fields` });
    return;
  }
  if (entries > EXTRA_LIMITS.maxEntries) {
    problems.push({ path, message: `has more than ${EXTRA_LIMITS.maxEntries} entries` });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((element, index) => checkValue(element, [...path, index], level + 1, problems));
    return;
  }
  checkEntries(value as Record<string, unknown>, path, level + 1, problems);
}

function fieldNameProblem(key: string): string | undefined {
  if (key.length === 0 || key.length > EXTRA_LIMITS.maxNameLength)
    return `must be a name of 1 to ${EXTRA_LIMITS.maxNameLength} characters`;
  if (/\p{Cc}/u.test(key)) return 'must be a name without control characters';
  if (REFUSED_NAMES.has(key)) return 'is a name every JavaScript object reserves: rename the field';
  return undefined;
}
