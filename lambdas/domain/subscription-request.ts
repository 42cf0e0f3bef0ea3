/**
 * The requests of the public opt-in routes (`POST /v1/subscriptions`, `/v1/verifications`,
 * `/v1/verifications/check`): validated by the handler, described by the API description.
 */
import { isTimeZone } from './config-values';
import { phoneInput, printable, storableNumber } from './input-fields';
import * as z from './zod';

const sourceName = z
  .string()
  .check(z.regex(/^[\w .:/-]{1,100}$/, 'must be 1-100 letters, digits, spaces or _ . : / -'));

const ConsentSchema = z.strictObject({
  method: z.enum(['form', 'checkout', 'api']),
  classes: z.array(z.enum(['marketing', 'transactional'])).check(
    z.minLength(1),
    z.maxLength(2),
    z.refine((c) => new Set(c).size === c.length, 'must not repeat a class'),
  ),
  disclosure: z.optional(z.strictObject({ text: printable(2000), version: printable(50) })),
  pageUrl: z.optional(z.url().check(z.maxLength(2000))),
  ip: z.optional(z.union([z.ipv4(), z.ipv6()])),
  userAgent: z.optional(printable(500)),
  checkedByUser: z.literal(true, 'must be true: consent needs an action by the person'),
  uncheckedByDefault: z.optional(z.boolean()),
});

const PropertiesSchema = z
  .record(
    z
      .string()
      .check(
        z.regex(
          /^[A-Za-z][\w.-]{0,63}$/,
          'property names are letters, digits, _ . - and do not start with $',
        ),
      ),
    z.union([printable(200), storableNumber(), z.boolean()]),
  )
  .check(z.refine((p) => Object.keys(p).length <= 50, 'at most 50 properties'));

export const SubscriptionSchema = z.strictObject({
  phone: phoneInput(),
  source: sourceName,
  consent: ConsentSchema,
  properties: z.optional(PropertiesSchema),
  timeZone: z.optional(
    z
      .string()
      .check(z.maxLength(64), z.refine(isTimeZone, 'must be an IANA time zone such as America/Chicago')),
  ),
});

export const VerificationSchema = z.strictObject({ phone: phoneInput() });

export const VerificationCheckSchema = z.extend(SubscriptionSchema, {
  code: z.string().check(z.regex(/^\d{6}$/, 'must be the 6-digit code')),
  source: z._default(sourceName, 'otp'),
});
