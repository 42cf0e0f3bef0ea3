/**
 * A check in front of the local DynamoDB: an expression that names an attribute without a `#`
 * placeholder is refused with a ValidationException, as DynamoDB refuses one that happens to be a
 * reserved word. DynamoDB reserves several hundred words (`timeZone`, `status`, `count`…), so a bare
 * name works until the day a field is called like one; refusing every bare name makes the local
 * runtime, and with it every test, catch the mistake before AWS does
 * (lambdas/adapters/dynamo-expression.ts writes them the safe way).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';

const EXPRESSION_FIELDS = [
  'UpdateExpression',
  'ConditionExpression',
  'KeyConditionExpression',
  'FilterExpression',
  'ProjectionExpression',
] as const;

/** Words of the expression grammar itself (operators and functions), in any case. */
const GRAMMAR = new Set([
  'and',
  'or',
  'not',
  'between',
  'in',
  'set',
  'remove',
  'add',
  'delete',
  'attribute_exists',
  'attribute_not_exists',
  'attribute_type',
  'begins_with',
  'contains',
  'size',
  'if_not_exists',
  'list_append',
]);

/** Attribute names an expression uses bare (not as `#placeholder`), in order of appearance. */
export function bareAttributeNames(expression: string): string[] {
  const bare: string[] = [];
  for (const match of expression.matchAll(/([#:]?)([A-Za-z_][A-Za-z0-9_]*)/g)) {
    const [, sigil, word] = match;
    if (sigil) continue;
    if (GRAMMAR.has(word!.toLowerCase())) continue;
    bare.push(word!);
  }
  return bare;
}

/** The expressions of one request, wherever the operation carries them (BatchGetItem: per table). */
function expressionsOf(input: Record<string, unknown>): string[] {
  const found: string[] = [];
  const collect = (part: unknown) => {
    if (!part || typeof part !== 'object') return;
    for (const field of EXPRESSION_FIELDS) {
      const value = (part as Record<string, unknown>)[field];
      if (typeof value === 'string') found.push(value);
    }
  };
  collect(input);
  for (const request of Object.values((input.RequestItems as Record<string, unknown>) ?? {}))
    collect(request);
  for (const item of (input.TransactItems as Record<string, unknown>[]) ?? []) {
    for (const part of Object.values(item ?? {})) collect(part);
  }
  return found;
}

/** The first bare attribute name in a request's expressions, if any. */
export function firstBareName(
  input: Record<string, unknown>,
): { expression: string; name: string } | undefined {
  for (const expression of expressionsOf(input)) {
    const [name] = bareAttributeNames(expression);
    if (name !== undefined) return { expression, name };
  }
  return undefined;
}

/** Puts the check in front of the server's request listeners. */
export function attachExpressionCheck(server: Server): void {
  const handlers = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    for (const handler of handlers) handler(req, res);
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let bare: ReturnType<typeof firstBareName>;
      if (text.includes('Expression')) {
        try {
          bare = firstBareName(JSON.parse(text) as Record<string, unknown>);
        } catch {
          // Not JSON: dynalite answers it.
        }
      }
      if (bare) {
        const body = JSON.stringify({
          __type: 'com.amazon.coral.validate#ValidationException',
          message: `Invalid expression: attribute name "${bare.name}" is not behind a #placeholder (local check: every expression names attributes through ExpressionAttributeNames); expression: ${bare.expression}`,
        });
        res.writeHead(400, {
          'content-type': 'application/x-amz-json-1.0',
          'content-length': String(Buffer.byteLength(body)),
        });
        res.end(body);
        return;
      }
      const replay = Object.assign(new PassThrough(), {
        headers: req.headers,
        method: req.method,
        url: req.url,
      });
      forward(replay as unknown as IncomingMessage, res);
      replay.end(text);
    });
  });
}
