/**
 * What a table holds, checked when it is read: an adapter parses each item with its entity's schema
 * instead of casting it, so a record another version wrote, or a hand edit, fails at the read with the
 * field that is wrong rather than somewhere later as `undefined`. Schemas are loose at every level
 * (`looseObject`, never `object`, which would drop what it does not name): attributes they do not name
 * (an index key, a field a newer version added) pass through untouched, so a record read and written
 * back loses nothing.
 */
import * as z from '../zod';

/** A stored item that does not have the shape its entity needs. */
export class CorruptRecordError extends Error {
  constructor(
    readonly entity: string,
    readonly key: string,
    readonly issues: string,
  ) {
    super(`${entity} ${key} is not a valid record: ${issues}`);
    this.name = 'CorruptRecordError';
  }
}

/**
 * Parses one stored item; the error names it by its key attributes (`phone`, `phone/eventKey`),
 * read as far as the item has them.
 */
export function parseRecord<S extends z.ZodMiniType>(
  schema: S,
  entity: string,
  keyAttributes: readonly string[],
  item: unknown,
): z.output<S> {
  const result = z.safeParse(schema, item);
  if (result.success) return result.data;
  const attributes = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
  const key = keyAttributes.map((name) => String(attributes[name] ?? '?')).join('/');
  const issues = result.error.issues
    .map((issue) => `${issue.path.join('.') || '(record)'}: ${issue.message}`)
    .join('; ');
  throw new CorruptRecordError(entity, key, issues);
}

/**
 * Compile time: every field of the interface T is named in the schema's shape, so a field added to
 * the interface without the schema fails the build, naming it. Use as
 * `const named: EveryFieldNamed<Profile, typeof profileFields> = true`.
 */
export type EveryFieldNamed<T, Shape> = [Exclude<keyof T, keyof Shape>] extends [never]
  ? true
  : Exclude<keyof T, keyof Shape>;
