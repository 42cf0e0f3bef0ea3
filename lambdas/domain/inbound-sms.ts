/**
 * The message End User Messaging publishes to the two-way channel's SNS topic for every inbound text.
 * https://docs.aws.amazon.com/sms-voice/latest/userguide/two-way-sms.html
 * Checked by hand: the inbound function is the hottest path and needs no schema library for six fields.
 */

export interface InboundSms {
  readonly originationNumber: string;
  readonly destinationNumber: string;
  readonly messageKeyword?: string;
  readonly messageBody: string;
  readonly inboundMessageId: string;
  readonly previousPublishedMessageId?: string;
}

/** An inbound text plus the time End User Messaging received it (the SNS message timestamp). */
export interface ReceivedSms extends InboundSms {
  readonly receivedAt: string;
}

/** The payload as an InboundSms, or undefined when it is not one (unknown extra fields are allowed). */
export function parseInboundSms(payload: unknown): InboundSms | undefined {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return undefined;
  const p = payload as Record<string, unknown>;
  const required = (key: string) =>
    typeof p[key] === 'string' && p[key] !== '' ? (p[key] as string) : undefined;
  const optional = (key: string) => (typeof p[key] === 'string' ? (p[key] as string) : undefined);
  const originationNumber = required('originationNumber');
  const destinationNumber = required('destinationNumber');
  const inboundMessageId = required('inboundMessageId');
  const messageBody = typeof p.messageBody === 'string' ? p.messageBody : undefined;
  if (!originationNumber || !destinationNumber || !inboundMessageId || messageBody === undefined)
    return undefined;
  const messageKeyword = optional('messageKeyword');
  const previousPublishedMessageId = optional('previousPublishedMessageId');
  return {
    originationNumber,
    destinationNumber,
    messageBody,
    inboundMessageId,
    ...(messageKeyword !== undefined ? { messageKeyword } : {}),
    ...(previousPublishedMessageId !== undefined ? { previousPublishedMessageId } : {}),
  };
}
