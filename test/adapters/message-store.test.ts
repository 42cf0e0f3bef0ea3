/**
 * A number's message history through the keys-only `byPhone` index: the keys from the index, the
 * records (with their latest status) from the table, newest first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoMessageStore } from '../../lambdas/adapters/message-store';
import { type MessageRecord } from '../../lambdas/domain/stores/message';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';

describe('message store', () => {
  let runtime: TestRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime({ config: KEYWORDS_ONLY });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('lists a number’s messages newest first, each as it is now', async () => {
    const store = new DynamoMessageStore(runtime.dynamo.tableNames.messages);
    const record = (messageId: string, phone: string, at: string): MessageRecord => ({
      messageId,
      phone,
      at,
      direction: 'outbound',
      status: 'sending',
      body: `text ${messageId}`,
      expiresAt: 4_102_444_800,
    });
    const phone = '+12065550123';
    for (const [id, at] of [
      ['a', '2026-11-01T10:00:00.000Z'],
      ['b', '2026-11-02T10:00:00.000Z'],
      ['c', '2026-11-03T10:00:00.000Z'],
    ] as const) {
      await store.putIfAbsent(record(id, phone, at));
    }
    await store.putIfAbsent(record('other', '+12065550124', '2026-11-04T10:00:00.000Z'));
    await store.markSent('b', 'aws-b');

    const listed = await store.listByPhone(phone);
    expect(listed.map((m) => m.messageId)).toEqual(['c', 'b', 'a']);
    expect(listed[1]).toMatchObject({ status: 'sent', awsMessageId: 'aws-b', body: 'text b' });
    expect((await store.listByPhone(phone, 2)).map((m) => m.messageId)).toEqual(['c', 'b']);
  });
});
