/**
 * `optline consent verify` and `consent chain` against the local runtime: every entry a keyword
 * writes is chained by the store, a changed byte in one entry is reported at that entry, and entries
 * recorded before the chain are chained by the migration (once) into a chain the verifier accepts.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '../../lambdas/adapters/aws-clients';
import { DynamoConsentLogStore } from '../../lambdas/adapters/consent-log-store';
import { eventKeyOf, type ConsentOutcome } from '../../lambdas/domain/consent';
import { GENESIS_HASH } from '../../lambdas/domain/consent-chain';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, subscribeByKeyword, type TestRuntime } from '../support/local-runtime';
import { optlineInProcess } from '../support/optline-cli';

describe('optline consent verify', () => {
  let runtime: TestRuntime;
  const table = () => runtime.dynamo.tableNames.consentLog;

  /** Its output without the last line's newline: the report of one number is one line. */
  const optline = async (...args: string[]) => {
    const run = await optlineInProcess(args, { cwd: process.cwd(), env: { OPTLINE_API_URL: runtime.url } });
    return { ...run, stdout: run.stdout.trimEnd(), stderr: run.stderr.trimEnd() };
  };

  beforeAll(async () => {
    runtime = await startTestRuntime({ config: KEYWORDS_ONLY });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('chains every entry a number records and reports the chain intact', async () => {
    const phone = '+12065550301';
    await subscribeByKeyword(runtime, phone);
    await runtime.text(phone, 'STOP');
    const entries = await new DynamoConsentLogStore(table()).list(phone);
    expect(entries).toHaveLength(3);
    expect(entries[0]!.prevHash).toBe(GENESIS_HASH);
    expect(entries[1]!.prevHash).toBe(entries[0]!.hash);
    expect(entries[2]!.prevHash).toBe(entries[1]!.hash);

    const run = await optline('consent', 'verify', phone);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${phone}: chain intact, 3 entries, head ${entries[2]!.hash}`);
  });

  it('reports a changed byte in one entry as a break at that entry, exit 1', async () => {
    const phone = '+12065550302';
    await subscribeByKeyword(runtime, phone);
    await runtime.text(phone, 'STOP');
    // Someone edits the YES event's text in the table: one byte.
    await dynamoClient().send(
      new UpdateCommand({
        TableName: table(),
        Key: { phone, eventKey: eventKeyOf(2) },
        UpdateExpression: 'SET #evidence.#body = :body',
        ExpressionAttributeNames: { '#evidence': 'evidence', '#body': 'messageBody' },
        ExpressionAttributeValues: { ':body': 'YEs' },
      }),
    );
    const run = await optline('consent', 'verify', phone, '--json');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { intact: boolean; breaks: { seq: number; reason: string }[] };
    expect(report.intact).toBe(false);
    expect(report.breaks.map((b) => [b.seq, b.reason])).toEqual([[2, 'hash_mismatch']]);

    const text = await optline('consent', 'verify', phone);
    expect(text.stdout).toContain(`${phone}: chain BROKEN (1 breaks in 3 entries)`);
    expect(text.stdout).toContain('entry 2 (0000000002): hash_mismatch');

    const all = await optline('consent', 'verify', '--all', '--table', table());
    expect(all.code).toBe(1);
    expect(all.stdout).toContain(`${phone}: chain BROKEN`);
    expect(all.stdout).not.toContain('+12065550301');
  });

  it('chains the entries recorded before the chain, once, and appends after them', async () => {
    const phone = '+12065550303';
    const store = new DynamoConsentLogStore(table());
    // A log written before the chain: two entries without hashes.
    for (const seq of [1, 2]) {
      const legacy: ConsentOutcome = {
        phone,
        eventKey: eventKeyOf(seq),
        seq,
        eventId: `legacy-${seq}`,
        at: '2025-01-01T00:00:00.000Z',
        recordedAt: '2025-01-01T00:00:00.000Z',
        outcome: 'effects_incomplete',
        of: { seq, eventId: `legacy-${seq}` },
        failed: [{ step: 'reply', reason: 'deferred' }],
      };
      await dynamoClient().send(new PutCommand({ TableName: table(), Item: legacy }));
    }
    const before = await optline('consent', 'verify', phone, '--json');
    expect(before.code).toBe(1);
    expect(
      (JSON.parse(before.stdout) as { breaks: { reason: string }[] }).breaks.map((b) => b.reason),
    ).toEqual(['unchained', 'unchained']);
    // A change appended before the migration runs chains after the hash the migration will store.
    await runtime.text(phone, 'JOIN');
    expect((await store.get(phone, eventKeyOf(3)))?.hash).toMatch(/^[0-9a-f]{64}$/);

    const migrated = await optline('consent', 'chain', '--table', table(), '--json');
    expect(migrated.code).toBe(0);
    expect(JSON.parse(migrated.stdout)).toMatchObject({ chained: 2 });
    const after = await optline('consent', 'verify', phone);
    expect(after.stdout).toContain(`${phone}: chain intact, 3 entries`);

    const again = await optline('consent', 'chain', '--table', table(), '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ chained: 0 });
  });

  it('refuses bad usage with exit 2', async () => {
    expect((await optline('consent', 'verify')).code).toBe(2);
    expect((await optline('consent', 'verify', '+12065550301', '--all')).code).toBe(2);
    expect((await optline('consent', 'chain')).code).toBe(2);
  });
});
