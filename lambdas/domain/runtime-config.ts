/**
 * The program settings the Lambdas need at run time: brand, disclosures, keywords, quiet hours.
 * Validated once at synth time (see lib/config.ts) and again when a Lambda starts.
 */
import * as z from './zod';
import { DEFAULT_OPT_OUT_KEYWORDS, isTimeZone } from './config-values';
import { templateProblems } from './templates';
import { flowDefinitions, FlowDefinitionsSchema } from './flow-definitions-config';
import { translatedFlowDefinitions, translatedFlowProblems } from './flow-keys';
import { TopicPropertySchema } from './preference-topics';

export { DEFAULT_OPT_OUT_KEYWORDS, isTimeZone };

const keyword = z
  .string()
  .check(
    z.trim(),
    z.minLength(1),
    z.maxLength(30),
    z.regex(/^[\p{L}\p{N}][\p{L}\p{N} '-]*$/u, 'must be letters, digits, spaces, hyphens or apostrophes'),
  );

const time = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time such as 08:00'));

const timeZone = z.string().check(z.refine(isTimeZone, 'must be an IANA time zone such as America/New_York'));

export const PropertyKeywordSchema = z.strictObject({
  keyword,
  /** Other spellings that mean the same (misspellings, translations); matched as whole words. */
  aliases: z._default(z.array(keyword), []),
  /** Profile property to set; `value: null` clears it. */
  setProperty: z.strictObject({
    name: z
      .string()
      .check(z.regex(/^[A-Za-z$][\w.-]{0,63}$/, 'must be a property name such as Paused or Paused-BFCM2025')),
    value: z.union([z.string().check(z.maxLength(200)), z.number(), z.boolean(), z.null()]),
  }),
  reply: z.string().check(z.minLength(1), z.maxLength(320)),
  /** Only honour the keyword when it answers a message of this campaign (or flow) id. */
  onlyInReplyTo: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
});
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

const keywordList = (defaults: readonly string[]) =>
  z._default(z.array(keyword).check(z.minLength(1)), () => [...defaults]);

export const KeywordsSchema = z
  .strictObject({
    optOut: keywordList(DEFAULT_OPT_OUT_KEYWORDS),
    help: keywordList(['HELP', 'INFO', 'AIDE']),
    /**
     * Opt-in keywords; an entry `{ keyword, source }` gives the profiles it subscribes that `$source`
     * (a flyer's keyword feeds the welcome series' split); a plain keyword gives `keyword:<KEYWORD>`.
     */
    optIn: z._default(
      z
        .array(
          z.union([
            keyword,
            z.strictObject({
              keyword,
              source: z
                .string()
                .check(z.regex(/^[\w .:/-]{1,100}$/, 'must be 1-100 letters, digits, spaces or _ . : / -')),
            }),
          ]),
        )
        .check(z.minLength(1)),
      () => ['JOIN'],
    ),
    confirm: keywordList(['YES', 'Y']),
    resubscribe: keywordList(['START', 'UNSTOP']),
    /** Keywords that set or clear a profile property (PAUSE, RESUME…). */
    custom: z._default(z.array(PropertyKeywordSchema), () =>
      DEFAULT_PROPERTY_KEYWORDS.map((k) => PropertyKeywordSchema.parse(k)),
    ),
  })
  .check(
    z.superRefine((keywords, ctx) => {
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
        ['optIn', keywords.optIn.map(keywordOf)],
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
    }),
  );
export type Keywords = z.infer<typeof KeywordsSchema>;

/** The word of an opt-in entry. */
export function keywordOf(entry: string | { readonly keyword: string }): string {
  return typeof entry === 'string' ? entry : entry.keyword;
}

/** The `$source` an opt-in keyword gives: its entry's `source`, or `keyword:<KEYWORD>`. */
export function optInSource(keywords: Pick<Keywords, 'optIn'>, keyword: string): string {
  const entry = keywords.optIn.find((e) => keywordOf(e).toUpperCase() === keyword.toUpperCase());
  return typeof entry === 'object' ? entry.source : `keyword:${keyword}`;
}

const QuietHoursSchema = z
  .strictObject({
    /** Earliest local time a marketing message may be sent. */
    start: z._default(time, '08:00'),
    /** Local time after which marketing messages wait for the next day. */
    end: z._default(time, '21:00'),
  })
  .check(
    z.refine((q) => q.start >= '08:00', {
      path: ['start'],
      message: 'cannot be earlier than 08:00 (TCPA window)',
    }),
    z.refine((q) => q.end <= '21:00', { path: ['end'], message: 'cannot be later than 21:00 (TCPA window)' }),
    z.refine((q) => q.start < q.end, { path: ['end'], message: 'must be after start' }),
  );

/** The event that starts each flow. */
export const FLOW_TRIGGERS = {
  welcome: 'SubscriptionConfirmed',
  abandonedCart: 'CartAbandoned',
  backInStock: 'BackInStock',
  priceDrop: 'PriceDropped',
} as const;

/**
 * Variables each flow always provides to its templates: the fields every event of its trigger
 * carries (commerce-events.ts; a test keeps the two in step), `*` standing for any item. Anything
 * else, a shop's own field (`event.store_id`) or an optional one (`event.items.first.image_url`),
 * needs a `default`.
 */
export const FLOW_VARIABLES = {
  welcome: ['event.source'],
  abandonedCart: [
    'event.type',
    'event.event_id',
    'event.phone',
    'event.cart_id',
    'event.cart_url',
    'event.items.*.name',
    'event.items.*.quantity',
    'event.items.*.price',
    'event.total',
    'event.currency',
    'event.abandoned_at',
  ],
  backInStock: [
    'event.type',
    'event.event_id',
    'event.phone',
    'event.product_id',
    'event.product_name',
    'event.product_url',
    'event.at',
  ],
  priceDrop: [
    'event.type',
    'event.event_id',
    'event.phone',
    'event.product_id',
    'event.product_name',
    'event.product_url',
    'event.price',
    'event.previous_price',
    'event.at',
  ],
} as const;

/** A Liquid body, checked when the config is validated (see templates.ts). */
const template = (provided: readonly string[], trigger: string) =>
  z.string().check(
    z.minLength(1),
    z.maxLength(1500),
    z.superRefine((source, ctx) => {
      for (const problem of templateProblems(source, provided, trigger))
        ctx.addIssue({ code: 'custom', message: problem });
    }),
  );

/** A whole number from min to max. */
const count = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));

const topicProperty = TopicPropertySchema;

/**
 * The preference topic a flow's texts are about: a subscriber who turned it off on the preference
 * page gets none of them (`topic_off`). One of `preferences.topics`; none: the flow's texts go to
 * every subscriber, whatever topics they turned off (docs/preferences.md#topics).
 */
const flowTopic = z.optional(topicProperty);

/** The built-in flows, which may name a topic. */
const TOPIC_FLOWS = ['welcome', 'abandonedCart', 'backInStock', 'priceDrop'] as const;

const WelcomeStepSchema = z.strictObject({
  /** Wait after the previous step (the first step waits after confirmation). */
  delayMinutes: count(0, 60 * 24 * 30),
  /** Default body. */
  body: template(FLOW_VARIABLES.welcome, FLOW_TRIGGERS.welcome),
  /** Bodies by `$source`, so each form's promised incentive is delivered. */
  bodyBySource: z._default(
    z.record(
      z.string().check(z.minLength(1), z.maxLength(100)),
      template(FLOW_VARIABLES.welcome, FLOW_TRIGGERS.welcome),
    ),
    {},
  ),
  /** Send the contact card (vCard) as MMS when the number supports MMS; text otherwise. */
  contactCard: z._default(z.boolean(), false),
  /** Respect quiet hours (the first message goes out at once: the subscriber expects the code now). */
  quietHours: z._default(z.boolean(), true),
  /** Respect smart sending. */
  smartSending: z._default(z.boolean(), true),
});

const SingleMessageFlowSchema = (
  flow: Exclude<keyof typeof FLOW_VARIABLES, 'welcome'>,
  defaults: { delayMinutes: number; deadlineHours: number; body: string },
) =>
  z.strictObject({
    enabled: z._default(z.boolean(), true),
    topic: flowTopic,
    delayMinutes: z._default(count(0, 60 * 24 * 7), defaults.delayMinutes),
    /** The message is skipped when quiet hours and smart sending would push it past this many hours after the event. */
    deadlineHours: z._default(z.number().check(z.gte(1), z.lte(24 * 14)), defaults.deadlineHours),
    body: z._default(template(FLOW_VARIABLES[flow], FLOW_TRIGGERS[flow]), defaults.body),
  });

const DEFAULT_WELCOME_STEPS: z.input<typeof WelcomeStepSchema>[] = [
  {
    delayMinutes: 0,
    body: 'Welcome to {{ program_name }}! Use code WELCOME10 for 10% off your next order.',
    bodyBySource: {
      'existing-email':
        'Thanks for joining {{ program_name }} too! As an email subscriber, use code TEXTSHIP for free shipping.',
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

const AbandonedCartSchema = SingleMessageFlowSchema('abandonedCart', {
  delayMinutes: 60,
  deadlineHours: 48,
  body: '{{ first_name | default: "Hi" }}, you left something in your cart. Complete your order: {{ event.cart_url }}',
});
const BackInStockSchema = SingleMessageFlowSchema('backInStock', {
  delayMinutes: 0,
  deadlineHours: 24,
  body: '{{ event.product_name }} is back in stock: {{ event.product_url }}',
});
const PriceDropSchema = SingleMessageFlowSchema('priceDrop', {
  delayMinutes: 0,
  deadlineHours: 24,
  body: 'Price drop! {{ event.product_name }} is now {{ event.price }}: {{ event.product_url }}',
});
const WelcomeSchema = z.strictObject({
  enabled: z._default(z.boolean(), true),
  topic: flowTopic,
  steps: z._default(z.array(WelcomeStepSchema).check(z.minLength(1), z.maxLength(4)), () =>
    DEFAULT_WELCOME_STEPS.map((step) => WelcomeStepSchema.parse(step)),
  ),
});

/** An object whose absence means all its defaults. */
const defaulted = <S extends z.ZodMiniType<object, object>>(schema: S) =>
  z._default(schema, () => schema.parse({}) as z.util.NoUndefined<z.output<S>>);

export const FlowsSchema = z.strictObject({
  welcome: defaulted(WelcomeSchema),
  abandonedCart: defaulted(AbandonedCartSchema),
  backInStock: defaulted(BackInStockSchema),
  priceDrop: defaulted(PriceDropSchema),
  /** Flows written as data (docs/flows.md#flow-definitions), after the built-in ones. */
  definitions: z._default(FlowDefinitionsSchema, []),
});
export type Flows = z.output<typeof FlowsSchema>;

/** A DNS name such as go.acme.com: lower-case labels of letters, digits and hyphens, at least two. */
const hostname = z
  .string()
  .check(
    z.maxLength(253),
    z.regex(
      /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/,
      'must be a lower-case domain name such as go.acme.com',
    ),
  );

/**
 * Short links (docs/campaigns.md#links-and-attribution). With `domain`, the stack serves them at `https://<domain>/<code>`
 * (an API Gateway custom domain with its certificate and DNS record); without it, at the API's
 * `/r/<code>`. The checks that join fields are in `linksProblems`.
 */
export const LinksSchema = z
  .strictObject({
    domain: z.optional(hostname),
    /** An ACM certificate for `domain` in the stack's region; without it the stack requests one (DNS-validated in the hosted zone). */
    certificateArn: z.optional(
      z
        .string()
        .check(
          z.regex(
            /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/,
            'must be an ACM certificate ARN',
          ),
        ),
    ),
    /** The Route 53 public hosted zone of `domain`: its id and its name. */
    hostedZoneId: z.optional(
      z
        .string()
        .check(z.regex(/^Z[A-Z0-9]{1,31}$/, 'must be a Route 53 hosted zone id such as Z0123456789ABC')),
    ),
    hostedZoneName: z.optional(
      z
        .string()
        .check(
          z.regex(
            /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]\.?$/,
            'must be the lower-case name of the hosted zone such as acme.com',
          ),
        ),
    ),
    /** Characters of a short-link code (base62): 7 hold 3.5 trillion codes. */
    codeLength: z._default(count(7, 22), 7),
  })
  .check(
    z.superRefine((links, ctx) => {
      for (const problem of linksProblems(links)) ctx.addIssue({ code: 'custom', message: problem });
    }),
  );
export type LinksConfig = z.output<typeof LinksSchema>;

/** What the links settings need of each other: a domain to serve, and a way to its certificate and DNS record. */
export function linksProblems(links: {
  readonly domain?: string;
  readonly certificateArn?: string;
  readonly hostedZoneId?: string;
  readonly hostedZoneName?: string;
}): string[] {
  const zone = links.hostedZoneId !== undefined || links.hostedZoneName !== undefined;
  if (links.domain === undefined) {
    return zone || links.certificateArn !== undefined
      ? ['certificateArn, hostedZoneId and hostedZoneName need links.domain']
      : [];
  }
  const problems: string[] = [];
  if ((links.hostedZoneId === undefined) !== (links.hostedZoneName === undefined))
    problems.push('hostedZoneId and hostedZoneName go together');
  if (!zone && links.certificateArn === undefined)
    problems.push('links.domain needs hostedZoneId and hostedZoneName, or certificateArn');
  const name = links.hostedZoneName?.replace(/\.$/, '');
  if (name !== undefined && links.domain !== name && !links.domain.endsWith(`.${name}`))
    problems.push(`links.domain ${links.domain} is not in the hosted zone ${name}`);
  return problems;
}

/** Trimmed text of min to max characters. */
const trimmed = (min: number, max: number, message?: string) =>
  z.string().check(z.trim(), z.minLength(min, message), z.maxLength(max));

/** A list of distinct values. */
const distinct = <T>(list: readonly T[]) => new Set(list).size === list.length;

/** `https://shop.example` or `http://localhost:8080`: a scheme, a host and a port, nothing else. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return /^https?:$/.test(url.protocol) && url.origin === value;
  } catch {
    return false;
  }
}

const FormFieldSchema = z
  .string()
  .check(
    z.regex(
      /^[A-Za-z][\w.-]{0,63}$/,
      'must be first_name, email or a property name (letters, digits, _ . -)',
    ),
  );

export const SignupFormSchema = z.strictObject({
  /** The form's id in its URL, `/f/<id>`. */
  id: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be 1-40 lowercase letters, digits or -')),
  /** `$source` of the profiles it subscribes (the welcome series can split on it); default `form:<id>`. */
  source: z.optional(
    z.string().check(z.regex(/^[\w .:/-]{1,100}$/, 'must be 1-100 letters, digits, spaces or _ . : / -')),
  ),
  /** What the person consents to. */
  classes: z._default(
    z
      .array(z.enum(['marketing', 'transactional']))
      .check(z.minLength(1), z.maxLength(2), z.refine(distinct, 'must not repeat a class')),
    ['marketing'],
  ),
  headline: trimmed(1, 120),
  /** What the person gets for joining, shown under the headline and again once subscribed. */
  incentive: z.optional(trimmed(1, 200)),
  /** Ask for a texted code on the page (one text) instead of a YES reply. */
  smartOptIn: z._default(z.boolean(), false),
  /** Shown once the person is subscribed. */
  successMessage: z._default(trimmed(1, 300), "You're in! Your first text is on its way."),
  /** Fields besides the phone: `first_name`, `email` or a profile property's name. */
  fields: z._default(
    z.array(FormFieldSchema).check(z.maxLength(10), z.refine(distinct, 'must not repeat a field')),
    [],
  ),
  /** Sites that may embed the form (`embed.js`) and post to it; none: the form's own origin only. */
  allowedOrigins: z._default(
    z
      .array(
        z
          .string()
          .check(z.refine(isOrigin, 'must be an origin such as https://shop.example (no path, no slash)')),
      )
      .check(z.maxLength(20)),
    [],
  ),
});

const DEFAULT_FORMS: z.input<typeof SignupFormSchema>[] = [
  {
    id: 'signup',
    source: 'form:signup',
    headline: 'Get our texts',
    incentive: '10% off your next order',
    fields: ['first_name'],
  },
];

/** Seconds End User Messaging may keep trying to deliver (5 s to 3 days). */
const ttl = (seconds: number) => z._default(count(5, 259_200), seconds);

export const RuntimeConfigSchema = z.pipe(
  z.strictObject({
    /** Brand name: the prefix of every message and the first word of every disclosure. */
    brand: trimmed(1, 40, 'is required'),
    /** Program name shown in opt-in confirmations and HELP; defaults to "<brand> Texts". */
    programName: z.optional(trimmed(1, 60)),
    /** How subscribers reach a human: an email, a phone number or a URL. */
    supportContact: z._default(trimmed(3, 100), 'support@example.com'),
    /** Message-frequency disclosure, e.g. "Up to 6 msgs/mo" or "Msg frequency varies". */
    messageFrequency: z._default(trimmed(3, 60), 'Msg frequency varies'),
    /** The brand's colour on the subscriber pages (buttons, links), `#rrggbb`. */
    brandColor: z._default(
      z.string().check(z.regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour such as #1f5f8b')),
      '#1f5f8b',
    ),
    termsUrl: z._default(z.url(), 'https://example.com/sms-terms'),
    privacyUrl: z._default(z.url(), 'https://example.com/privacy'),
    /** Destination countries (ISO alpha-2); defaults to the origination number's country. */
    allowedCountries: z.optional(
      z
        .array(z.string().check(z.regex(/^[A-Z]{2}$/, 'must be ISO 3166-1 alpha-2 codes such as US')))
        .check(z.minLength(1)),
    ),
    /** Time zone used when neither the profile nor the number tells one. */
    defaultTimeZone: z._default(timeZone, 'America/New_York'),
    /** Require a YES reply (or an OTP) before marketing messages. */
    doubleOptIn: z._default(z.boolean(), true),
    quietHours: z._default(QuietHoursSchema, { start: '08:00', end: '21:00' }),
    /** Skip a marketing message when the number got any SMS within this many hours (0 turns it off). */
    smartSendingHours: z._default(z.number().check(z.gte(0), z.lte(168)), 24),
    keywords: defaulted(KeywordsSchema),
    /** Limits on the public (browser-facing) routes that can make Optline text: SMS-pumping defence. */
    rateLimits: z._default(
      z.strictObject({
        /** Texts triggered for one phone number per hour. */
        perPhonePerHour: z._default(count(1, 100), 3),
        /** Per number prefix (all but the last four digits) per hour: pumping rings use number blocks. */
        perPrefixPerHour: z._default(count(1, 10_000), 20),
        /** Requests from one source IP per hour. */
        perIpPerHour: z._default(count(1, 10_000), 20),
        /** Texts triggered through public routes per hour, all callers together. */
        globalPerHour: z._default(count(1, 1_000_000), 1000),
      }),
      { perPhonePerHour: 3, perPrefixPerHour: 20, perIpPerHour: 20, globalPerHour: 1000 },
    ),
    /** Welcome series, abandoned cart, back in stock, price drop, and the flows written as data. */
    flows: defaulted(FlowsSchema),
    /** Opt-out language ("Reply STOP to opt out") on marketing texts: on the first one to a number, or on all. */
    optOutLanguage: z._default(z.enum(['first_message', 'always']), 'first_message'),
    /** Guards passed to End User Messaging with every send. */
    sending: z._default(
      z.strictObject({
        /** Highest price per message part End User Messaging may charge (USD); dearer destinations are refused. */
        maxPricePerPartUsd: z._default(z.number().check(z.positive(), z.lte(10)), 0.1),
        /**
         * Replace characters that force UCS-2 but have a GSM-7 look-alike (curly quotes, dashes, odd
         * spaces, the ellipsis) before sending, when that makes the text GSM-7 (encodeForSending).
         */
        smartEncoding: z._default(z.boolean(), true),
        /** Seconds End User Messaging keeps trying to deliver, by message class: a late promotion is worse than none. */
        timeToLiveSeconds: z._default(
          z.strictObject({
            marketing: ttl(4 * 3600),
            transactional: ttl(3600),
            conversational: ttl(3600),
            compliance: ttl(24 * 3600),
          }),
          { marketing: 14_400, transactional: 3600, conversational: 3600, compliance: 86_400 },
        ),
      }),
      {
        maxPricePerPartUsd: 0.1,
        smartEncoding: true,
        timeToLiveSeconds: {
          marketing: 14_400,
          transactional: 3600,
          conversational: 3600,
          compliance: 86_400,
        },
      },
    ),
    /** Short links: their code length, and the brand's own domain they can live on. */
    links: defaulted(LinksSchema),
    /**
     * Seconds `POST /v1/campaigns` counts the audience before it answers 202 `estimating` and leaves
     * the count to the dispatcher (the HTTP API gives a call 30 s).
     */
    campaignEstimateSeconds: z._default(z.number().check(z.gte(0), z.lte(25)), 20),
    /** Conversations: free texts answered by people and help desks (docs/conversations.md). */
    conversations: z._default(
      z.strictObject({
        /** Hours without a message after which an open conversation closes by itself. */
        autoCloseHours: z._default(count(1, 24 * 30), 48),
        /** Hours after the person's last text in which a reply is not held by quiet hours (state law still applies). */
        replyWindowHours: z._default(z.number().check(z.gte(0), z.lte(168)), 24),
        /** Marketing flows and campaigns skip a number while its conversation is open (`conversation_open`). */
        pauseAutomations: z._default(z.boolean(), true),
        /** Replies one agent may send per minute (`POST /v1/conversations/{phone}/replies`). */
        repliesPerAgentPerMinute: z._default(count(1, 600), 20),
      }),
      { autoCloseHours: 48, replyWindowHours: 24, pauseAutomations: true, repliesPerAgentPerMinute: 20 },
    ),
    /** How long message records (sends, skips, inbound texts) are kept before DynamoDB expires them. */
    messageRetentionDays: z._default(count(30, 3650), 400),
    /** The preference page (`{{ preferences_url }}`, docs/preferences.md). */
    preferences: z._default(
      z.strictObject({
        /** Days a preference-page link opens the page after it was made (rounded up to midnight UTC). */
        linkTtlDays: z._default(count(1, 365), 60),
        /** Requests one IP address may make to the preference pages (`/p/…`) per hour. */
        requestsPerIpPerHour: z._default(count(10, 10_000), 120),
        /**
         * Topics a subscriber can turn off on the page: boolean profile properties (`preferences.coffee`),
         * `false` when unticked; a campaign about one excludes them (docs/preferences.md#topics).
         */
        topics: z._default(
          z
            .array(
              z.strictObject({
                property: topicProperty,
                label: z.string().check(z.minLength(1), z.maxLength(60)),
              }),
            )
            .check(
              z.maxLength(20),
              z.refine((topics) => distinct(topics.map((t) => t.property)), 'must not repeat a property'),
            ),
          [],
        ),
      }),
      { linkTtlDays: 60, requestsPerIpPerHour: 120, topics: [] },
    ),
    /** Signup forms served at `/f/<id>` (docs/pages.md#signup-forms). */
    forms: z._default(
      z.array(SignupFormSchema).check(
        z.maxLength(50),
        z.refine((forms) => distinct(forms.map((f) => f.id)), 'must not repeat a form id'),
      ),
      () => DEFAULT_FORMS.map((form) => SignupFormSchema.parse(form)),
    ),
  }),
  z.transform((c, ctx) => {
    // A flow's topic is one the preference page offers, or nobody could turn it off.
    const offered = new Set(c.preferences.topics.map((t) => t.property));
    const refuse = (path: PropertyKey[], topic: string) =>
      ctx.issues.push({
        code: 'custom',
        input: topic,
        path: ['flows', ...path, 'topic'],
        message: `must be one of preferences.topics (${[...offered].join(', ') || 'none configured'})`,
      });
    for (const flow of TOPIC_FLOWS) {
      const topic = c.flows[flow].topic;
      if (topic !== undefined && !offered.has(topic)) refuse([flow], topic);
    }
    c.flows.definitions.forEach((entry, index) => {
      const topic = (entry as { topic?: unknown }).topic;
      if (typeof topic === 'string' && !offered.has(topic)) refuse(['definitions', index], topic);
    });
    // The flows with keys of their own run as the definitions those keys translate to.
    for (const problem of translatedFlowProblems(c.flows))
      ctx.issues.push({
        code: 'custom',
        input: c.flows,
        path: ['flows', ...problem.path],
        message: problem.message,
      });
    return {
      ...c,
      programName: c.programName ?? `${c.brand} Texts`,
      flows: {
        ...c.flows,
        definitions: flowDefinitions(c.flows.definitions, translatedFlowDefinitions(c.flows)),
      },
      forms: c.forms.map((form) => ({ ...form, source: form.source ?? `form:${form.id}` })),
    };
  }),
);

export type RuntimeConfig = z.output<typeof RuntimeConfigSchema>;
