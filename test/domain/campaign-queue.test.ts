import { describe, expect, it } from 'vitest';
import { RECIPIENTS_PER_MESSAGE, recipientMessages, recipientsOf } from '../../lambdas/domain/campaign-queue';

const phone = (i: number) => `+1206555${String(1000 + i)}`;

describe('campaign queue messages', () => {
  it('chunks recipients in order and carries their zones', () => {
    const recipients = Array.from({ length: RECIPIENTS_PER_MESSAGE + 2 }, (_, i) => ({
      phone: phone(i),
      zone: i % 2 ? 'America/New_York' : 'America/Los_Angeles',
    }));
    const messages = recipientMessages('cmp_1', recipients);
    expect(messages.map((m) => m.recipients.length)).toEqual([RECIPIENTS_PER_MESSAGE, 2]);
    expect(messages.flatMap((m) => recipientsOf(m))).toEqual(recipients);
  });

  it('leaves zones out of a message where any recipient has none, and reads plain phones', () => {
    const [message] = recipientMessages('cmp_1', [{ phone: phone(1), zone: 'America/Chicago' }, phone(2)]);
    expect(message).toEqual({ campaignId: 'cmp_1', recipients: [phone(1), phone(2)] });
    expect(recipientsOf(message!)).toEqual([{ phone: phone(1) }, { phone: phone(2) }]);
  });

  it('ignores zones that do not match the recipients one for one', () => {
    expect(recipientsOf({ recipients: [phone(1), phone(2)], zones: ['America/Chicago'] })).toEqual([
      { phone: phone(1) },
      { phone: phone(2) },
    ]);
  });
});
