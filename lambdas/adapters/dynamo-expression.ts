/**
 * DynamoDB expressions that name every attribute through a placeholder. `#timeZone` in an expression
 * stands for the attribute `timeZone`; `named()` adds that mapping to `ExpressionAttributeNames`. A
 * bare name would fail the moment it is one of DynamoDB's reserved words (`timeZone`, `status`,
 * `count`, `key`…: several hundred of them), so no expression in Optline uses one, and the local
 * runtime refuses any that does (local/dynamo-expression-check.ts).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ReservedWords.html
 */

const PLACEHOLDER = /#([A-Za-z_][A-Za-z0-9_]*)/g;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ExpressionParts {
  readonly UpdateExpression?: string;
  readonly ConditionExpression?: string;
  readonly KeyConditionExpression?: string;
  readonly FilterExpression?: string;
  readonly ProjectionExpression?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
}

/**
 * The parts with `#name → name` added for every placeholder they use that `ExpressionAttributeNames`
 * does not map already (placeholders such as `#l0` for a computed name are mapped by the caller).
 */
export function named<T extends ExpressionParts>(
  parts: T,
): T & { ExpressionAttributeNames?: Record<string, string> } {
  const names: Record<string, string> = { ...parts.ExpressionAttributeNames };
  const texts = [
    parts.UpdateExpression,
    parts.ConditionExpression,
    parts.KeyConditionExpression,
    parts.FilterExpression,
    parts.ProjectionExpression,
  ];
  for (const text of texts) {
    for (const [placeholder, name] of (text ?? '').matchAll(PLACEHOLDER)) {
      names[placeholder] ??= name!;
    }
  }
  return Object.keys(names).length > 0 ? { ...parts, ExpressionAttributeNames: names } : parts;
}

/** `#name` for an attribute whose name the code computes (a field of an update object). */
export function placeholder(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`attribute name ${JSON.stringify(name)} is not an identifier`);
  return `#${name}`;
}
