/**
 * IAM in front of dynalite: a function's DynamoDB request runs only when its policy allows the
 * operation on the table (or the index a Query or Scan names, `table/<name>/index/<index>`), every
 * table of a batch included; otherwise it is answered as DynamoDB answers it (JSON 1.0, 400,
 * `com.amazon.coral.service#AccessDeniedException`). Off until the runtime sends the policies; runs
 * on the DynamoDB thread, before the meter (local/dynamo-meter.ts).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { crc32 } from 'node:zlib';
import { AccessGuard, type AccessGuardOptions, type AccessRequest } from './iam/access';
import type { LocalPolicies } from './iam/policies';

export interface DynamoAccessSettings extends AccessGuardOptions {
  readonly policies: LocalPolicies;
  readonly region: string;
}

/** The ARN IAM sees for a table given by name (or ARN). */
export function tableArn(region: string, account: string, nameOrArn: string): string {
  return nameOrArn.startsWith('arn:')
    ? nameOrArn
    : `arn:aws:dynamodb:${region}:${account}:table/${nameOrArn}`;
}

export class DynamoAccess {
  private guard: AccessGuard | undefined;
  private settings: DynamoAccessSettings | undefined;

  enforce(settings: DynamoAccessSettings): void {
    this.settings = settings;
    this.guard = new AccessGuard(settings.policies, settings);
  }

  /** Puts the check in front of the server's request handlers. */
  attach(server: Server): void {
    const handlers = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
    server.removeAllListeners('request');
    const forward = (req: IncomingMessage, res: ServerResponse) => {
      for (const handler of handlers) handler(req, res);
    };
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const caller = this.guard?.callerOf(req.headers.authorization);
      if (!caller) return forward(req, res);
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
        let input: Record<string, unknown> = {};
        try {
          input = text ? (JSON.parse(text) as Record<string, unknown>) : {};
        } catch {
          // Not JSON: dynalite answers it.
        }
        const refusal = this.guard?.check(caller, this.requests(operation, input));
        if (refusal) {
          const body = JSON.stringify({
            __type: 'com.amazon.coral.service#AccessDeniedException',
            Message: refusal.message,
          });
          res.writeHead(400, {
            'content-type': 'application/x-amz-json-1.0',
            'content-length': Buffer.byteLength(body),
            'x-amz-crc32': crc32(body),
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

  /** The action and resources IAM checks for a DynamoDB operation. */
  private requests(operation: string, input: Record<string, unknown>): AccessRequest[] {
    const { region = '', account = '' } = this.settings ?? {};
    const action = `dynamodb:${operation}`;
    const arn = (name: unknown) => tableArn(region, account, String(name ?? ''));
    if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
      const tables = Object.keys((input.RequestItems as Record<string, unknown> | undefined) ?? {});
      return tables.map((table) => ({ action, resource: arn(table) }));
    }
    if (operation === 'ListTables') return [{ action, resource: '*' }];
    const table = arn(input.TableName);
    const index = (operation === 'Query' || operation === 'Scan') && typeof input.IndexName === 'string';
    return [{ action, resource: index ? `${table}/index/${String(input.IndexName)}` : table }];
  }
}
