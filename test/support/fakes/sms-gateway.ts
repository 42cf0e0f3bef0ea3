/**
 * An in-memory SmsGateway for service tests: it keeps what was sent and the opt-out list, and refuses
 * as End User Messaging does (a number on the opt-out list; one removal per 30 days). The End User
 * Messaging emulator (local/aws/sms-voice.ts) stays the peer for end-to-end tests.
 */
import { OPT_OUT_REMOVAL_INTERVAL_MS } from '../../../lambdas/domain/opt-out-list';
import { OptedOutAtCarrierError } from '../../../lambdas/domain/sms-errors';
import type { OutboundSms, SmsGateway } from '../../../lambdas/domain/ports/sms-gateway';

export class InMemorySmsGateway implements SmsGateway {
  readonly sent: (OutboundSms & { awsMessageId: string })[] = [];
  readonly optedOut = new Set<string>();
  private readonly removedAt = new Map<string, number>();
  private next = 0;

  constructor(private readonly now: () => Date = () => new Date()) {}

  async send(message: OutboundSms): Promise<{ awsMessageId: string }> {
    if (this.optedOut.has(message.to))
      throw new OptedOutAtCarrierError(`${message.to} is on the opt-out list`);
    const awsMessageId = `fake-${++this.next}`;
    this.sent.push({ ...structuredClone(message), awsMessageId });
    return { awsMessageId };
  }

  async putOptedOut(phone: string): Promise<void> {
    this.optedOut.add(phone);
  }

  async deleteOptedOut(phone: string): Promise<'removed' | 'not_listed' | 'refused'> {
    if (!this.optedOut.has(phone)) return 'not_listed';
    const last = this.removedAt.get(phone);
    const now = this.now().getTime();
    if (last !== undefined && now - last < OPT_OUT_REMOVAL_INTERVAL_MS) return 'refused';
    this.optedOut.delete(phone);
    this.removedAt.set(phone, now);
    return 'removed';
  }

  /** What was sent to one number, in order. */
  to(phone: string): string[] {
    return this.sent.filter((message) => message.to === phone).map((message) => message.body);
  }
}
