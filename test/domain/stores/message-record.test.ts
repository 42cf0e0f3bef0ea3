import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../../lambdas/domain/stores/message';
import { parseMessage } from '../../../lambdas/domain/stores/message-record';
import { CorruptRecordError } from '../../../lambdas/domain/stores/records';

const sent: MessageRecord = {
  messageId: 'campaign#c-1#+12065550100',
  phone: '+12065550100',
  at: '2026-06-01T15:00:00.000Z',
  direction: 'outbound',
  status: 'sent',
  body: 'Acme Coffee: 20% off today. Reply STOP to opt out',
  messageClass: 'marketing',
  awsMessageId: 'aws-1',
  campaignId: 'c-1',
  segments: 1,
  encoding: 'GSM-7',
  expiresAt: 1_780_000_000,
};

describe('message records read from the table', () => {
  it('reads a record as it was written, with attributes it does not name', () => {
    expect(parseMessage(JSON.parse(JSON.stringify(sent)))).toEqual(sent);
    expect(parseMessage({ ...sent, carrier: 'x' })).toMatchObject({ carrier: 'x' });
  });

  it.each([
    ['status', { ...sent, status: 'queued' }],
    ['direction', { ...sent, direction: 'sideways' }],
    ['expiresAt', { ...sent, expiresAt: undefined }],
    ['segments', { ...sent, segments: '1' }],
  ])('refuses a record whose %s is wrong, naming the message and the field', (field, item) => {
    expect(() => parseMessage(item)).toThrow(CorruptRecordError);
    expect(() => parseMessage(item)).toThrow(`message ${sent.messageId}`);
    expect(() => parseMessage(item)).toThrow(`${field}:`);
  });
});
