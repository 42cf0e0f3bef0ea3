/**
 * Message records as the messages table holds them (MessageRecord in ./message.ts), parsed on every
 * read. Loose at every level; the type checks hold the schema to the interface.
 */
import { MESSAGE_CLASSES } from '../messages';
import * as z from '../zod';
import { MESSAGE_STATUSES, type MessageRecord } from './message';
import { parseRecord, type EveryFieldNamed } from './records';

const text = z.string();
const optionalText = z.optional(text);

const messageFields = {
  messageId: text,
  phone: text,
  at: text,
  direction: z.enum(['outbound', 'inbound']),
  status: z.enum(MESSAGE_STATUSES),
  body: text,
  messageClass: z.optional(z.enum(MESSAGE_CLASSES)),
  reason: optionalText,
  awsMessageId: optionalText,
  campaignId: optionalText,
  variant: optionalText,
  flowId: optionalText,
  inReplyTo: optionalText,
  agent: optionalText,
  originationNumber: optionalText,
  segments: z.optional(z.number()),
  encoding: optionalText,
  resends: z.optional(z.number()),
  expiresAt: z.number(),
};

const messageRecord = z.looseObject(messageFields);

const everyFieldNamed: EveryFieldNamed<MessageRecord, typeof messageFields> = true;
const givesMessage = (record: z.output<typeof messageRecord>): MessageRecord => record;
void everyFieldNamed;
void givesMessage;

/** A message item read from the table. */
export function parseMessage(item: unknown): MessageRecord {
  return parseRecord(messageRecord, 'message', ['messageId'], item);
}
