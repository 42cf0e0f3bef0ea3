/**
 * The message End User Messaging publishes to the two-way channel's SNS topic for every inbound text.
 * https://docs.aws.amazon.com/sms-voice/latest/userguide/two-way-sms.html
 */
import * as z from 'zod';

export const InboundSmsSchema = z
  .object({
    originationNumber: z.string().min(1),
    destinationNumber: z.string().min(1),
    messageKeyword: z.string().optional(),
    messageBody: z.string(),
    inboundMessageId: z.string().min(1),
    previousPublishedMessageId: z.string().optional(),
  })
  .loose();

export type InboundSms = z.infer<typeof InboundSmsSchema>;

/** An inbound text plus the time End User Messaging received it (the SNS message timestamp). */
export interface ReceivedSms extends InboundSms {
  readonly receivedAt: string;
}
