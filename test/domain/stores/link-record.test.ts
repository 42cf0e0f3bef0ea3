import { describe, expect, it } from 'vitest';
import type { LinkRecord } from '../../../lambdas/domain/stores/link';
import { parseLink } from '../../../lambdas/domain/stores/link-record';
import { CorruptRecordError } from '../../../lambdas/domain/stores/records';

const link: LinkRecord = {
  code: 'aB3dE5g',
  url: 'https://acme.example/spring',
  phone: '+12065550100',
  messageId: 'campaign#c-1#+12065550100',
  campaignId: 'c-1',
  createdAt: '2026-06-01T15:00:00.000Z',
  expiresAt: 1_780_000_000,
  clicks: 2,
};

describe('link records read from the table', () => {
  it('reads a record as it was written, with attributes it does not name', () => {
    expect(parseLink(JSON.parse(JSON.stringify(link)))).toEqual(link);
    expect(parseLink({ ...link, firstClickAt: 'x' })).toMatchObject({ firstClickAt: 'x' });
  });

  it.each([
    ['url', { ...link, url: undefined }],
    ['expiresAt', { ...link, expiresAt: '1780000000' }],
    ['clicks', { ...link, clicks: 'two' }],
  ])('refuses a record whose %s is wrong, naming the code and the field', (field, item) => {
    expect(() => parseLink(item)).toThrow(CorruptRecordError);
    expect(() => parseLink(item)).toThrow(`link ${link.code}`);
    expect(() => parseLink(item)).toThrow(`${field}:`);
  });
});
