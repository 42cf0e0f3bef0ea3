/** Turns a zod failure into a ValidationError that names the offending field. */
import * as z from './zod';
import { ValidationError } from './errors';

export function parseInput<S extends z.core.$ZodType>(schema: S, input: unknown, root = ''): z.output<S> {
  const result = z.safeParse(schema, input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = (issue?.path ?? []).map(String);
  const field = [root, ...path].filter(Boolean).join('.') || 'body';
  const message =
    issue?.code === 'unrecognized_keys'
      ? `unknown field(s): ${issue.keys.join(', ')}`
      : (issue?.message ?? 'invalid');
  throw new ValidationError(
    `${field}: ${message}`,
    issue?.code === 'unrecognized_keys' ? [field, issue.keys[0]].filter(Boolean).join('.') : field,
  );
}
