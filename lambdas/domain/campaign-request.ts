/**
 * The campaign request `POST /v1/campaigns` and number changes validate: its own module, so that the
 * functions that only read or dispatch campaigns carry neither the schema library nor the template
 * engine the body's check needs.
 */
import { mediaUrls } from './input-fields';
import { SegmentSchema } from './segment-schema';
import { templateProblems } from './templates';
import * as z from './zod';

/** Liquid over the profile (`{{ first_name | default: "there" }}`); links become short links. */
const body = () =>
  z.string().check(
    z.minLength(1),
    z.maxLength(1500),
    z.superRefine((source, ctx) => {
      for (const problem of templateProblems(source)) ctx.addIssue({ code: 'custom', message: problem });
    }),
  );

/** The most variants a campaign splits its audience into. */
export const MAX_VARIANTS = 5;

export const CampaignVariantSchema = z.strictObject({
  name: z.string().check(z.regex(/^[\w-]{1,40}$/, 'must be 1 to 40 letters, digits, _ or -')),
  body: body(),
  /** Relative share of the audience, a whole number (3 and 1: three in four get the first). */
  weight: z._default(z.int().check(z.gte(1), z.lte(1000)), 1),
});

export const CampaignRequestSchema = z
  .strictObject({
    name: z
      .string()
      .check(z.minLength(1), z.maxLength(100), z.regex(/^[^\p{Cc}]*$/u, 'must be printable text')),
    body: z.optional(body()),
    /** A/B variants instead of `body`: each recipient gets one, by a weighted hash of their number. */
    variants: z.optional(
      z.array(CampaignVariantSchema).check(
        z.minLength(2),
        z.maxLength(MAX_VARIANTS),
        z.superRefine((variants, ctx) => {
          const names = variants.map((v) => v.name);
          const repeated = names.find((name, i) => names.indexOf(name) !== i);
          if (repeated !== undefined)
            ctx.addIssue({ code: 'custom', message: `names a variant twice (${repeated})` });
        }),
      ),
    ),
    /**
     * With variants: `testFraction` of the audience gets the variants at the send time, the rest the
     * variant with the most `metric` `decideAfterHours` later (ties keep the first).
     */
    winner: z.optional(
      z.strictObject({
        metric: z.enum(['clicks', 'orders', 'revenue']),
        testFraction: z.number().check(z.gte(0.01), z.lte(0.99)),
        decideAfterHours: z.int().check(z.gte(1), z.lte(168)),
      }),
    ),
    mediaUrls: mediaUrls(),
    segment: SegmentSchema,
    sendAt: z.optional(z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time with offset' })),
    sendAtLocalTime: z.optional(
      z
        .string()
        .check(
          z.regex(
            /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/,
            'must be a local date and time such as 2026-11-27T10:00 (no offset)',
          ),
        ),
    ),
    tags: z._default(z.array(z.string().check(z.regex(/^[\w-]{1,40}$/))).check(z.maxLength(10)), []),
    smartSending: z._default(z.boolean(), true),
    /** Profile property that keeps a subscriber out of this campaign (e.g. `Paused-BFCM2025`). */
    excludePausedProperty: z.optional(z.string().check(z.regex(/^[A-Za-z][\w.-]{0,63}$/))),
    messageType: z._default(z.enum(['PROMOTIONAL', 'TRANSACTIONAL']), 'PROMOTIONAL'),
  })
  .check(
    z.superRefine((c, ctx) => {
      if ((c.body === undefined) === (c.variants === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: [c.body === undefined ? 'body' : 'variants'],
          message: 'give exactly one of body and variants',
        });
      }
      if (c.winner && c.variants === undefined) {
        ctx.addIssue({ code: 'custom', path: ['winner'], message: 'needs variants to choose from' });
      }
      if (c.winner && c.sendAtLocalTime !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['winner'],
          message: 'needs sendAt: a local-time campaign has no one time to decide after',
        });
      }
      if ((c.sendAt === undefined) === (c.sendAtLocalTime === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['sendAt'],
          message: 'give exactly one of sendAt and sendAtLocalTime',
        });
      }
    }),
  );

export type CampaignRequest = z.output<typeof CampaignRequestSchema>;
