/** The request of `POST /v1/messages`: one transactional text. */
import { mediaUrls, phoneInput } from './input-fields';
import * as z from './zod';

export const MessageRequestSchema = z.strictObject({
  phone: phoneInput(),
  body: z.string().check(z.minLength(1), z.maxLength(1600), z.regex(/\S/, 'must not be blank')),
  idempotencyKey: z.string().check(z.regex(/^[\w-]{8,100}$/, 'must be 8-100 letters, digits, _ or -')),
  mediaUrls: mediaUrls(),
});
