/**
 * The local DynamoDB's worker threads: a stopped runtime's thread serves the process's next runtime,
 * on an empty store; runtimes at once each have their own; an idle thread holds no process open.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { startDynamo, type LocalDynamo } from '../../local/dynamodb';
import { ROOT } from '../support/root';

const run = promisify(execFile);

function clientOf(dynamo: LocalDynamo) {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    }),
  );
}

describe('local DynamoDB threads', () => {
  const started: LocalDynamo[] = [];
  const start = async (prefix: string) => {
    const dynamo = await startDynamo({ prefix });
    started.push(dynamo);
    return dynamo;
  };
  // stop() is idempotent: a runtime a test stopped already is stopped again here, harmlessly.
  afterEach(async () => {
    await Promise.all(started.splice(0).map((dynamo) => dynamo.stop()));
  });

  it("serves the next runtime on the stopped one's thread, with none of its tables or items", async () => {
    const first = await start('first');
    const firstClient = clientOf(first);
    await firstClient.send(
      new PutCommand({ TableName: first.tableNames.profiles, Item: { phone: '+12065550100', brand: 'A' } }),
    );
    firstClient.destroy();
    await first.stop();

    const next = await start('first');
    expect(next.threadId).toBe(first.threadId);
    const client = clientOf(next);
    const tables = (await client.send(new ListTablesCommand({}))).TableNames ?? [];
    expect(tables.sort()).toEqual(Object.values(next.tableNames).sort());
    const item = await client.send(
      new GetCommand({ TableName: next.tableNames.profiles, Key: { phone: '+12065550100' } }),
    );
    expect(item.Item).toBeUndefined();
    client.destroy();
  });

  it('leaves the next runtime alone when a stopped one is stopped or metered again', async () => {
    const first = await start('again');
    await first.stop();
    const next = await start('again');
    expect(next.threadId).toBe(first.threadId);
    await first.stop();
    await expect(first.meter.snapshot()).rejects.toThrow(/stopped/);
    const client = clientOf(next);
    expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual(
      Object.values(next.tableNames).sort(),
    );
    client.destroy();
  });

  it('stops while requests are in flight, and its thread serves the next runtime', async () => {
    for (let round = 0; round < 5; round++) {
      const dynamo = await start('racing');
      const client = clientOf(dynamo);
      const writes = Array.from({ length: 200 }, (_, i) =>
        client
          .send(
            new UpdateCommand({
              TableName: dynamo.tableNames.profiles,
              Key: { phone: `+1206555${String(i % 2).padStart(4, '0')}` },
              UpdateExpression: 'ADD visits :one',
              ExpressionAttributeValues: { ':one': 1 },
            }),
          )
          .catch(() => undefined),
      );
      await new Promise((resolve) => setTimeout(resolve, 5 * round));
      await dynamo.stop();
      await Promise.all(writes);
      client.destroy();
      const next = await start('racing');
      expect(next.threadId).toBe(dynamo.threadId);
      await next.stop();
    }
  });

  it('gives runtimes at once a thread each', async () => {
    const [one, two] = await Promise.all([start('one'), start('two')]);
    expect(one!.threadId).not.toBe(two!.threadId);
    for (const dynamo of [one!, two!]) {
      const client = clientOf(dynamo);
      expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual(
        Object.values(dynamo.tableNames).sort(),
      );
      client.destroy();
    }
  });

  it('lets a process that stopped its runtime exit, its idle thread kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'optline-dynamo-threads-'));
    try {
      const script = join(dir, 'start-stop.ts');
      writeFileSync(
        script,
        `import { startDynamo } from ${JSON.stringify(join(ROOT, 'local', 'dynamodb.ts'))};
void (async () => {
  const dynamo = await startDynamo({ prefix: 'exits' });
  await dynamo.stop();
  console.log('stopped');
})();
`,
      );
      const { stdout } = await run(process.execPath, ['--import', 'tsx', script], {
        cwd: ROOT,
        timeout: 30_000,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      });
      expect(stdout.trim()).toBe('stopped');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
