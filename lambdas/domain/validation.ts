/** Turns a zod failure into a ValidationError that names the offending field. */
import * as z from './zod';
import { ValidationError } from './errors';

/**
 * Parses `input`, or throws a ValidationError for its first problem, the field named under `root`
 * (`events.3.total`). `sentPath` maps a path of the parsed value back to the input's own names
 * where a schema renames fields.
 */
export function parseInput<S extends z.core.$ZodType>(
  schema: S,
  input: unknown,
  root = '',
  sentPath: (path: readonly PropertyKey[]) => readonly PropertyKey[] = (path) => path,
): z.output<S> {
  const result = z.safeParse(schema, input, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = sentPath(issue?.path ?? []).map(String);
  const field = [root, ...path].filter(Boolean).join('.') || 'body';
  throw new ValidationError(
    `${field}: ${issue ? messageOf(issue, path.length > 0) : 'invalid'}`,
    issue?.code === 'unrecognized_keys' ? [field, issue.keys[0]].filter(Boolean).join('.') : field,
  );
}

function messageOf(issue: z.core.$ZodIssue, isField: boolean): string {
  if (issue.code === 'unrecognized_keys') return `unknown field(s): ${issue.keys.join(', ')}`;
  // A missing field, whatever its schema says of a wrong one ("must be an http(s) URL").
  if (
    issue.code === 'invalid_type' &&
    issue.input === undefined &&
    isField &&
    !issue.message.startsWith('is required')
  )
    return 'is required';
  return issue.message;
}
