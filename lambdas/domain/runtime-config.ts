/**
 * The program settings the Lambdas need at run time: brand, disclosures, keywords, quiet hours.
 * Validated once at synth time (see lib/config.ts) and again when a Lambda starts.
 */
import * as z from 'zod';
import { DEFAULT_OPT_OUT_KEYWORDS, isTimeZone } from './config-values';
import { templateProblems } from './templates';

export { DEFAULT_OPT_OUT_KEYWORDS, isTimeZone };

const keyword = z
  .string()
  .trim()
  .min(1)
  .max(30)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} '-]*$/u, 'must be letters, digits, spaces, hyphens or apostrophes');

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time such as 08:00');

const timeZone = z.string().refine(isTimeZone, 'must be an IANA time zone such as America/New_York');

export const PropertyKeywordSchema = z
  .object({
    keyword,
    /** Other spellings that mean the same (misspellings, translations); matched as whole words. */
    aliases: z.array(keyword).default([]),
    /** Profile property to set; `value: null` clears it. */
    setProperty: z
      .object({
        name: z
          .string()
          .regex(/^[A-Za-z$][\w.-]{0,63}$/, 'must be a property name such as Paused or Paused-BFCM2025'),
        value: z.union([z.string().max(200), z.number(), z.boolean(), z.null()]),
      })
      .strict(),
    reply: z.string().min(1).max(320),
    /** Only honour the keyword when it answers a message of this campaign (or flow) id. */
    onlyInReplyTo: z.string().min(1).max(64).optional(),
  })
  .strict();
export type PropertyKeyword = z.infer<typeof PropertyKeywordSchema>;

const DEFAULT_PROPERTY_KEYWORDS: z.input<typeof PropertyKeywordSchema>[] = [
  {
    keyword: 'PAUSE',
    aliases: ['PAUS', 'PUASE', 'PASUE'],
    setProperty: { name: 'Paused', value: true },
    reply: 'You have paused marketing texts. Reply RESUME to get them again, or STOP to opt out.',
  },
  {
    keyword: 'RESUME',
    aliases: ['RESUEM', 'RESUMR', 'UNPAUSE'],
    setProperty: { name: 'Paused', value: null },
    reply: 'Welcome back! Marketing texts will resume. Reply STOP to opt out.',
  },
];

export const KeywordsSchema = z
  .object({
    optOut: z.array(keyword).min(1).default(DEFAULT_OPT_OUT_KEYWORDS),
    help: z.array(keyword).min(1).default(['HELP', 'INFO', 'AIDE']),
    optIn: z.array(keyword).min(1).default(['JOIN']),
    confirm: z.array(keyword).min(1).default(['YES', 'Y']),
    resubscribe: z.array(keyword).min(1).default(['START', 'UNSTOP']),
    /** Keywords that set or clear a profile property (PAUSE, RESUME…). */
    custom: z
      .array(PropertyKeywordSchema)
      .default(() => DEFAULT_PROPERTY_KEYWORDS.map((k) => PropertyKeywordSchema.parse(k))),
  })
  .strict()
  .superRefine((keywords, ctx) => {
    // The required opt-out words cannot be reassigned: a STOP must always stop.
    const required = new Set(['STOP', 'CANCEL', 'END', 'QUIT', 'UNSUBSCRIBE', 'OPTOUT', 'REVOKE']);
    for (const word of required) {
      if (!keywords.optOut.map((k) => k.toUpperCase()).includes(word)) {
        ctx.addIssue({
          code: 'custom',
          path: ['optOut'],
          message: `must include the required opt-out keyword ${word}`,
        });
      }
    }
    const seen = new Map<string, string>();
    const groups: [string, string[]][] = [
      ['optOut', keywords.optOut],
      ['help', keywords.help],
      ['optIn', keywords.optIn],
      ['confirm', keywords.confirm],
      ['resubscribe', keywords.resubscribe],
      ...keywords.custom.map((k, i): [string, string[]] => [`custom.${i}`, [k.keyword, ...k.aliases]]),
    ];
    for (const [group, words] of groups) {
      for (const word of words) {
        const key = word.toUpperCase();
        const other = seen.get(key);
        if (other !== undefined && other !== group) {
          ctx.addIssue({
            code: 'custom',
            path: group.split('.'),
            message: `keyword ${word} is also used by ${other}`,
          });
        }
        seen.set(key, group);
      }
    }
  });
export type Keywords = z.infer<typeof KeywordsSchema>;

const QuietHoursSchema = z
  .object({
    /** Earliest local time a marketing message may be sent. */
    start: time.default('08:00'),
    /** Local time after which marketing messages wait for the next day. */
    end: time.default('21:00'),
  })
  .strict()
  .refine((q) => q.start >= '08:00', {
    path: ['start'],
    message: 'cannot be earlier than 08:00 (TCPA window)',
  })
  .refine((q) => q.end <= '21:00', { path: ['end'], message: 'cannot be later than 21:00 (TCPA window)' })
  .refine((q) => q.start < q.end, { path: ['end'], message: 'must be after start' });

/** Variables each flow always provides to its templates (others need a `default`). */
export const FLOW_VARIABLES = {
  welcome: ['event.source'],
  abandonedCart: ['event.cart_id', 'event.cart_url', 'event.total', 'event.items', 'event.abandoned_at'],
  backInStock: ['event.product_id', 'event.product_name', 'event.product_url'],
  priceDrop: [
    'event.product_id',
    'event.product_name',
    'event.product_url',
    'event.price',
    'event.previous_price',
  ],
} as const;

/** A Liquid body, checked when the config is validated (see templates.ts). */
const template = (provided: readonly string[]) =>
  z
    .string()
    .min(1)
    .max(1500)
    .superRefine((source, ctx) => {
      for (const problem of templateProblems(source, provided))
        ctx.addIssue({ code: 'custom', message: problem });
    });

const WelcomeStepSchema = z
  .object({
    /** Wait after the previous step (the first step waits after confirmation). */
    delayMinutes: z
      .number()
      .int()
      .min(0)
      .max(60 * 24 * 30),
    /** Default body. */
    body: template(FLOW_VARIABLES.welcome),
    /** Bodies by `$source`, so each form's promised incentive is delivered. */
    bodyBySource: z.record(z.string().min(1).max(100), template(FLOW_VARIABLES.welcome)).default({}),
    /** Send the contact card (vCard) as MMS when the number supports MMS; text otherwise. */
    contactCard: z.boolean().default(false),
    /** Respect quiet hours (the first message goes out at once: the subscriber expects the code now). */
    quietHours: z.boolean().default(true),
    /** Respect smart sending. */
    smartSending: z.boolean().default(true),
  })
  .strict();

const SingleMessageFlowSchema = (
  provided: readonly string[],
  defaults: { delayMinutes: number; deadlineHours: number; body: string },
) =>
  z
    .object({
      enabled: z.boolean().default(true),
      delayMinutes: z
        .number()
        .int()
        .min(0)
        .max(60 * 24 * 7)
        .default(defaults.delayMinutes),
      /** The message is skipped when quiet hours and smart sending would push it past this many hours after the event. */
      deadlineHours: z
        .number()
        .min(1)
        .max(24 * 14)
        .default(defaults.deadlineHours),
      body: template(provided).default(defaults.body),
    })
    .strict();

const DEFAULT_WELCOME_STEPS: z.input<typeof WelcomeStepSchema>[] = [
  {
    delayMinutes: 0,
    body: 'Welcome to {{ program_name }}! Here is your 10% off code: WELCOME10',
    bodyBySource: {
      'existing-email':
        'Thanks for joining {{ program_name }} too! As an email subscriber, enjoy free shipping with code TEXTSHIP',
    },
    quietHours: false,
    smartSending: false,
  },
  {
    delayMinutes: 24 * 60,
    body: 'Save our number so you never miss a drop: this is {{ brand }}.',
    contactCard: true,
  },
];

const AbandonedCartSchema = SingleMessageFlowSchema(FLOW_VARIABLES.abandonedCart, {
  delayMinutes: 60,
  deadlineHours: 48,
  body: '{{ first_name | default: "Hi" }}, you left something in your cart. Complete your order: {{ event.cart_url }}',
});
const BackInStockSchema = SingleMessageFlowSchema(FLOW_VARIABLES.backInStock, {
  delayMinutes: 0,
  deadlineHours: 24,
  body: '{{ event.product_name }} is back in stock: {{ event.product_url }}',
});
const PriceDropSchema = SingleMessageFlowSchema(FLOW_VARIABLES.priceDrop, {
  delayMinutes: 0,
  deadlineHours: 24,
  body: 'Price drop! {{ event.product_name }} is now {{ event.price }}: {{ event.product_url }}',
});
const WelcomeSchema = z
  .object({
    enabled: z.boolean().default(true),
    steps: z
      .array(WelcomeStepSchema)
      .min(1)
      .max(4)
      .default(() => DEFAULT_WELCOME_STEPS.map((step) => WelcomeStepSchema.parse(step))),
  })
  .strict();

export const FlowsSchema = z
  .object({
    welcome: WelcomeSchema.default(() => WelcomeSchema.parse({})),
    abandonedCart: AbandonedCartSchema.default(() => AbandonedCartSchema.parse({})),
    backInStock: BackInStockSchema.default(() => BackInStockSchema.parse({})),
    priceDrop: PriceDropSchema.default(() => PriceDropSchema.parse({})),
  })
  .strict();
export type Flows = z.output<typeof FlowsSchema>;

export const RuntimeConfigSchema = z
  .object({
    /** Brand name: the prefix of every message and the first word of every disclosure. */
    brand: z.string().trim().min(1, 'is required').max(40),
    /** Program name shown in opt-in confirmations and HELP; defaults to "<brand> Texts". */
    programName: z.string().trim().min(1).max(60).optional(),
    /** How subscribers reach a human: an email, a phone number or a URL. */
    supportContact: z.string().trim().min(3).max(100).default('support@example.com'),
    /** Message-frequency disclosure, e.g. "Up to 6 msgs/mo" or "Msg frequency varies". */
    messageFrequency: z.string().trim().min(3).max(60).default('Msg frequency varies'),
    termsUrl: z.url().default('https://example.com/sms-terms'),
    privacyUrl: z.url().default('https://example.com/privacy'),
    /** Destination countries (ISO alpha-2); defaults to the origination number's country. */
    allowedCountries: z
      .array(z.string().regex(/^[A-Z]{2}$/, 'must be ISO 3166-1 alpha-2 codes such as US'))
      .min(1)
      .optional(),
    /** Time zone used when neither the profile nor the number tells one. */
    defaultTimeZone: timeZone.default('America/New_York'),
    /** Require a YES reply (or an OTP) before marketing messages. */
    doubleOptIn: z.boolean().default(true),
    quietHours: QuietHoursSchema.default({ start: '08:00', end: '21:00' }),
    /** Skip a marketing message when the number got any SMS within this many hours (0 turns it off). */
    smartSendingHours: z.number().min(0).max(168).default(24),
    keywords: KeywordsSchema.default(() => KeywordsSchema.parse({})),
    /** Limits on the public (browser-facing) routes that can make Optline text: SMS-pumping defence. */
    rateLimits: z
      .object({
        /** Texts triggered for one phone number per hour. */
        perPhonePerHour: z.number().int().min(1).max(100).default(3),
        /** Per number prefix (all but the last four digits) per hour: pumping rings use number blocks. */
        perPrefixPerHour: z.number().int().min(1).max(10_000).default(20),
        /** Requests from one source IP per hour. */
        perIpPerHour: z.number().int().min(1).max(10_000).default(20),
        /** Texts triggered through public routes per hour, all callers together. */
        globalPerHour: z.number().int().min(1).max(1_000_000).default(1000),
      })
      .strict()
      .default({ perPhonePerHour: 3, perPrefixPerHour: 20, perIpPerHour: 20, globalPerHour: 1000 }),
    /** Welcome series, abandoned cart, back in stock, price drop. */
    flows: FlowsSchema.default(() => FlowsSchema.parse({})),
    /** Opt-out language ("Reply STOP to opt out") on marketing texts: on the first one to a number, or on all. */
    optOutLanguage: z.enum(['first_message', 'always']).default('first_message'),
    /** Guards passed to End User Messaging with every send. */
    sending: z
      .object({
        /** Highest price per message part End User Messaging may charge (USD); dearer destinations are refused. */
        maxPricePerPartUsd: z.number().positive().max(10).default(0.1),
        /** Seconds End User Messaging keeps trying to deliver, by message class: a late promotion is worse than none. */
        timeToLiveSeconds: z
          .object({
            marketing: z
              .number()
              .int()
              .min(5)
              .max(259_200)
              .default(4 * 3600),
            transactional: z.number().int().min(5).max(259_200).default(3600),
            conversational: z.number().int().min(5).max(259_200).default(3600),
            compliance: z
              .number()
              .int()
              .min(5)
              .max(259_200)
              .default(24 * 3600),
          })
          .strict()
          .default({ marketing: 14_400, transactional: 3600, conversational: 3600, compliance: 86_400 }),
      })
      .strict()
      .default({
        maxPricePerPartUsd: 0.1,
        timeToLiveSeconds: {
          marketing: 14_400,
          transactional: 3600,
          conversational: 3600,
          compliance: 86_400,
        },
      }),
    /**
     * Seconds `POST /v1/campaigns` counts the audience before it answers 202 `estimating` and leaves
     * the count to the dispatcher (the HTTP API gives a call 30 s).
     */
    campaignEstimateSeconds: z.number().min(0).max(25).default(20),
    /** How long message records (sends, skips, inbound texts) are kept before DynamoDB expires them. */
    messageRetentionDays: z.number().int().min(30).max(3650).default(400),
  })
  .strict()
  .transform((c) => ({ ...c, programName: c.programName ?? `${c.brand} Texts` }));

export type RuntimeConfig = z.output<typeof RuntimeConfigSchema>;
