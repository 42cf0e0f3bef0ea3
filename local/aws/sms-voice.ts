/**
 * An End User Messaging SMS (pinpoint-sms-voice-v2) emulator: SendTextMessage / SendMediaMessage with
 * the opt-out list enforced the way AWS enforces it, the opt-out list operations (including the
 * once-per-30-days removal limit), a messages-per-second limit answered with ThrottlingException,
 * and the two-way channel: inbound texts are published as the SNS event AWS sends. Injected faults
 * are laid over it by ./fault-injection.ts.
 */
import { randomUUID } from 'node:crypto';
import type { SNSEvent } from 'aws-lambda';
import type { Clock } from '../../lambdas/domain/clock';
import { AwsError, JSON_DENIAL, requireString, type JsonService } from './protocol';
import { snsNotificationEvent } from './sns-notification';

export interface OutboxMessage {
  readonly messageId: string;
  readonly to: string;
  readonly from: string;
  readonly body: string;
  readonly messageType: string;
  readonly at: string;
  readonly context: Record<string, string>;
  readonly mediaUrls?: readonly string[];
}

export interface InboxMessage {
  readonly inboundMessageId: string;
  readonly from: string;
  readonly to: string;
  readonly body: string;
  readonly at: string;
}

export interface SmsVoiceOptions {
  readonly clock: Clock;
  /** Numbers this account owns, the first being the default origination number. */
  readonly numbers: readonly string[];
  /** ARNs of numbers that have one already (an existing origination), by number; others get a local one. */
  readonly numberArns?: Readonly<Record<string, string>>;
  readonly optOutListName: string;
  readonly configurationSetName: string;
  readonly messagesPerSecond: number;
  readonly region: string;
  readonly account: string;
  /** Called with each inbound SNS event (the two-way channel's subscribers). */
  readonly onInbound: (event: SNSEvent) => Promise<void>;
  /** Called after each accepted send (configuration-set event destination). */
  readonly onSent?: (message: OutboxMessage) => void;
}

interface OptedOutEntry {
  optedOutAt: number;
  endUserOptedOut: boolean;
}

const REMOVAL_INTERVAL_MS = 30 * 24 * 3600 * 1000;
const MAX_BODY = 1600;

export class SmsVoiceEmulator {
  readonly outbox: OutboxMessage[] = [];
  readonly inbox: InboxMessage[] = [];
  private readonly optOutList = new Map<string, OptedOutEntry>();
  private readonly lastRemoval = new Map<string, number>();
  private readonly numbers: string[];
  private mps: number;
  private tokens: number;
  private refilledAt = Date.now();
  /** Counts of refusals, by reason, for tests and the benchmark. */
  readonly refusals = new Map<string, number>();

  constructor(private readonly options: SmsVoiceOptions) {
    this.numbers = [...options.numbers];
    this.mps = options.messagesPerSecond;
    this.tokens = this.mps;
  }

  get defaultNumber(): string {
    return this.numbers[0] ?? '';
  }

  get messagesPerSecond(): number {
    return this.mps;
  }

  setMessagesPerSecond(mps: number): void {
    this.mps = mps;
    this.tokens = Math.min(this.tokens, mps);
  }

  addNumber(phone: string): void {
    if (!this.numbers.includes(phone)) this.numbers.push(phone);
  }

  phoneNumberId(phone: string): string {
    return `phone-${phone.replace('+', '')}`;
  }

  phoneNumberArn(phone: string): string {
    return (
      this.options.numberArns?.[phone] ??
      `arn:aws:sms-voice:${this.options.region}:${this.options.account}:phone-number/${this.phoneNumberId(phone)}`
    );
  }

  configurationSetArn(name: string): string {
    return name.startsWith('arn:')
      ? name
      : `arn:aws:sms-voice:${this.options.region}:${this.options.account}:configuration-set/${name}`;
  }

  optOutListArn(): string {
    return this.optOutListArnOf(this.options.optOutListName);
  }

  private optOutListArnOf(name: string): string {
    return `arn:aws:sms-voice:${this.options.region}:${this.options.account}:opt-out-list/${name}`;
  }

  isOptedOut(phone: string): boolean {
    return this.optOutList.has(phone);
  }

  messagesTo(phone: string): OutboxMessage[] {
    return this.outbox.filter((m) => m.to === phone);
  }

  /** A subscriber texts the platform: published to the two-way channel exactly as AWS publishes it. */
  async receive(input: { from: string; body: string; to?: string }): Promise<InboxMessage> {
    const to = input.to ?? this.defaultNumber;
    if (!this.numbers.includes(to)) throw new Error(`${to} is not a number of this account`);
    const at = this.options.clock.now().toISOString();
    const inboundMessageId = randomUUID();
    const previous = [...this.outbox].reverse().find((m) => m.to === input.from && m.from === to);
    const message: InboxMessage = { inboundMessageId, from: input.from, to, body: input.body, at };
    this.inbox.push(message);
    const payload = {
      originationNumber: input.from,
      destinationNumber: to,
      messageKeyword: registeredKeyword(input.body),
      messageBody: input.body,
      inboundMessageId,
      previousPublishedMessageId: previous?.messageId ?? '',
    };
    await this.options.onInbound(snsEvent(payload, at, this.options.region, this.options.account));
    return message;
  }

  service(): JsonService {
    return {
      targetPrefix: 'PinpointSMSVoiceV2',
      operations: {
        SendTextMessage: (input) => this.send(input, false),
        SendMediaMessage: (input) => this.send(input, true),
        PutOptedOutNumber: (input) => this.putOptedOut(input),
        DeleteOptedOutNumber: (input) => this.deleteOptedOut(input),
        DescribeOptedOutNumbers: (input) => this.describeOptedOut(input),
      },
      access: (operation, input) => {
        const action = `sms-voice:${operation}`;
        if (operation !== 'SendTextMessage' && operation !== 'SendMediaMessage') {
          const list = String(input.OptOutListName ?? '');
          return [{ action, resource: list.startsWith('arn:') ? list : this.optOutListArnOf(list) }];
        }
        // A send is authorized on its origination identity and on its configuration set.
        return [
          { action, resource: this.identityArn(String(input.OriginationIdentity ?? '')) },
          ...(typeof input.ConfigurationSetName === 'string'
            ? [{ action, resource: this.configurationSetArn(input.ConfigurationSetName) }]
            : []),
        ];
      },
      denial: JSON_DENIAL,
    };
  }

  /** The ARN IAM sees for an origination identity given as a number, an id or an ARN. */
  private identityArn(identity: string): string {
    if (identity.startsWith('arn:')) return identity;
    const known = this.numbers.find((n) => identity === n || identity === this.phoneNumberId(n));
    if (known) return this.phoneNumberArn(known);
    const id = identity.startsWith('+') ? this.phoneNumberId(identity) : identity;
    return `arn:aws:sms-voice:${this.options.region}:${this.options.account}:phone-number/${id}`;
  }

  private resolveIdentity(identity: string): string {
    const phone = this.numbers.find(
      (n) => identity === n || identity === this.phoneNumberId(n) || identity === this.phoneNumberArn(n),
    );
    if (!phone) {
      throw new AwsError('ResourceNotFoundException', `origination identity ${identity} not found`, 404, {
        ResourceType: 'phone-number',
        ResourceId: identity,
      });
    }
    return phone;
  }

  private takeToken(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.mps, this.tokens + ((now - this.refilledAt) / 1000) * this.mps);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Counts a refusal, the emulator's own or an injected fault's. */
  recordRefusal(reason: string): void {
    this.refusals.set(reason, (this.refusals.get(reason) ?? 0) + 1);
  }

  private send(input: Record<string, unknown>, media: boolean): { MessageId: string } {
    const to = requireString(input, 'DestinationPhoneNumber');
    const from = this.resolveIdentity(requireString(input, 'OriginationIdentity'));
    const body = typeof input.MessageBody === 'string' ? input.MessageBody : '';
    const mediaUrls = Array.isArray(input.MediaUrls) ? (input.MediaUrls as string[]) : undefined;
    if (!/^\+[1-9]\d{1,18}$/.test(to)) {
      throw new AwsError('ValidationException', 'DestinationPhoneNumber must be E.164', 400, {
        Reason: 'INVALID_PARAMETER',
      });
    }
    if (!media && body === '')
      throw new AwsError('ValidationException', 'MessageBody is required', 400, {
        Reason: 'FIELD_VALIDATION_FAILED',
      });
    if (media && body === '' && !mediaUrls?.length) {
      throw new AwsError('ValidationException', 'MessageBody or MediaUrls is required', 400, {
        Reason: 'FIELD_VALIDATION_FAILED',
      });
    }
    if (body.length > MAX_BODY) {
      throw new AwsError('ValidationException', `MessageBody is longer than ${MAX_BODY} characters`, 400, {
        Reason: 'FIELD_VALIDATION_FAILED',
      });
    }
    if (input.MaxPrice !== undefined && !/^[0-9]{0,2}\.[0-9]{1,5}$/.test(String(input.MaxPrice))) {
      throw new AwsError('ValidationException', 'MaxPrice must look like 0.00581', 400, {
        Reason: 'INVALID_PARAMETER',
      });
    }
    if (
      input.TimeToLive !== undefined &&
      !(Number(input.TimeToLive) >= 5 && Number(input.TimeToLive) <= 259_200)
    ) {
      throw new AwsError('ValidationException', 'TimeToLive must be 5 to 259200 seconds', 400, {
        Reason: 'INVALID_PARAMETER',
      });
    }
    if (
      input.ConfigurationSetName !== undefined &&
      input.ConfigurationSetName !== this.options.configurationSetName
    ) {
      throw new AwsError(
        'ResourceNotFoundException',
        `configuration set ${String(input.ConfigurationSetName)} not found`,
        404,
      );
    }
    if (!this.takeToken()) {
      this.recordRefusal('ThrottlingException');
      throw new AwsError('ThrottlingException', 'rate exceeded for the origination identity', 400);
    }
    if (this.optOutList.has(to)) {
      this.recordRefusal('DESTINATION_PHONE_NUMBER_OPTED_OUT');
      throw new AwsError('ConflictException', `${to} is on the opt-out list`, 400, {
        Reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT',
        ResourceType: 'opt-out-list',
        ResourceId: this.options.optOutListName,
      });
    }
    const message: OutboxMessage = {
      messageId: randomUUID(),
      to,
      from,
      body,
      messageType: media ? 'MMS' : String(input.MessageType ?? 'TRANSACTIONAL'),
      at: this.options.clock.now().toISOString(),
      context: (input.Context as Record<string, string> | undefined) ?? {},
      ...(mediaUrls ? { mediaUrls } : {}),
    };
    this.outbox.push(message);
    this.options.onSent?.(message);
    return { MessageId: message.messageId };
  }

  private checkList(input: Record<string, unknown>): void {
    const list = requireString(input, 'OptOutListName');
    if (list !== this.options.optOutListName && list !== this.optOutListArn()) {
      throw new AwsError('ResourceNotFoundException', `opt-out list ${list} not found`, 404, {
        ResourceType: 'opt-out-list',
      });
    }
  }

  private describeEntry(phone: string, entry: OptedOutEntry) {
    return {
      OptOutListArn: this.optOutListArn(),
      OptOutListName: this.options.optOutListName,
      OptedOutNumber: phone,
      OptedOutTimestamp: entry.optedOutAt / 1000,
      EndUserOptedOut: entry.endUserOptedOut,
    };
  }

  private putOptedOut(input: Record<string, unknown>) {
    this.checkList(input);
    const phone = requireString(input, 'OptedOutNumber');
    const entry = this.optOutList.get(phone) ?? {
      optedOutAt: this.options.clock.now().getTime(),
      endUserOptedOut: false,
    };
    this.optOutList.set(phone, entry);
    return this.describeEntry(phone, entry);
  }

  private deleteOptedOut(input: Record<string, unknown>) {
    this.checkList(input);
    const phone = requireString(input, 'OptedOutNumber');
    const entry = this.optOutList.get(phone);
    if (!entry) {
      throw new AwsError('ResourceNotFoundException', `${phone} is not on the opt-out list`, 404, {
        ResourceType: 'opted-out-number',
        ResourceId: phone,
      });
    }
    const now = this.options.clock.now().getTime();
    const last = this.lastRemoval.get(phone);
    if (last !== undefined && now - last < REMOVAL_INTERVAL_MS) {
      throw new AwsError(
        'ValidationException',
        'Each destination phone number can only be deleted once every 30 days',
        400,
        {
          Reason: 'INVALID_REQUEST',
        },
      );
    }
    this.optOutList.delete(phone);
    this.lastRemoval.set(phone, now);
    return this.describeEntry(phone, entry);
  }

  private describeOptedOut(input: Record<string, unknown>) {
    this.checkList(input);
    const wanted = Array.isArray(input.OptedOutNumbers)
      ? new Set(input.OptedOutNumbers as string[])
      : undefined;
    const all = [...this.optOutList.entries()].filter(([phone]) => !wanted || wanted.has(phone));
    const start = typeof input.NextToken === 'string' ? Number(input.NextToken) : 0;
    const size = typeof input.MaxResults === 'number' ? input.MaxResults : 50;
    const page = all.slice(start, start + size);
    return {
      OptOutListArn: this.optOutListArn(),
      OptOutListName: this.options.optOutListName,
      OptedOutNumbers: page.map(([phone, entry]) => ({
        OptedOutNumber: phone,
        OptedOutTimestamp: entry.optedOutAt / 1000,
        EndUserOptedOut: entry.endUserOptedOut,
      })),
      ...(start + size < all.length ? { NextToken: String(start + size) } : {}),
    };
  }
}

/** The keyword End User Messaging reports: the first word when it is a registered keyword. */
function registeredKeyword(body: string): string {
  const word = body.trim().split(/\s+/)[0]?.toUpperCase() ?? '';
  return ['HELP', 'STOP'].includes(word) ? word : '';
}

/** The SNS event End User Messaging's two-way channel delivers for one inbound text. */
export function snsEvent(
  payload: Record<string, string>,
  at: string,
  region = 'us-east-1',
  account = '000000000000',
): SNSEvent {
  return snsNotificationEvent({ topicName: 'optline-inbound-sms', message: payload, at, region, account });
}
