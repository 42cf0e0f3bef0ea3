/** The requests of the conversation routes: a reply, a close, and the list's query. */
import { mediaUrls } from './input-fields';
import * as z from './zod';

/** Longest reply body: four concatenated GSM-7 segments, so an agent's answer stays a text, not a letter. */
export const MAX_REPLY_LENGTH = 612;

const agent = z.string().check(z.regex(/^[\w.@+-]{1,64}$/, 'must be 1-64 letters, digits or _ . @ + -'));

export const ConversationReplySchema = z.strictObject({
  body: z.string().check(z.minLength(1), z.maxLength(MAX_REPLY_LENGTH), z.regex(/\S/, 'must not be blank')),
  mediaUrls: mediaUrls(),
  /** Who answers (a help-desk user, a bot): shown in the thread and limited per minute. */
  agent: z.optional(agent),
  idempotencyKey: z.string().check(z.regex(/^[\w-]{8,100}$/, 'must be 8-100 letters, digits, _ or -')),
});
export type ConversationReply = z.infer<typeof ConversationReplySchema>;

export const ConversationCloseSchema = z.optional(z.strictObject({ agent: z.optional(agent) }));
