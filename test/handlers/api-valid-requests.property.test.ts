/**
 * Valid requests, generated from each route's own schema with every optional field present and
 * absent: every route answers a 2xx or a 4xx, never a 5xx, and afterwards the profile, the consent
 * log and the texts sent agree, and every answer is one the API description (docs/openapi.json)
 * describes, status and body. (The malformed side is api-fuzz.test.ts.) Only the 503 and 504 of
 * `POST /v1/messages`, when End User Messaging itself fails, are documented 5xx, and no fault is
 * injected here.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functions, type HttpRoute } from '../../lib/catalog';
import { CampaignRequestSchema } from '../../lambdas/domain/campaign-request';
import {
  CommerceEventBatchResultSchema,
  CommerceEventRequestSchema,
} from '../../lambdas/domain/commerce-events';
import { changeStatus, effectiveChanges, readConsentLog } from '../../lambdas/domain/consent';
import { ConversationCloseSchema, ConversationReplySchema } from '../../lambdas/domain/conversation-request';
import { MessageRequestSchema } from '../../lambdas/domain/message-request';
import { ImportBatchSchema, ImportUploadSchema } from '../../lambdas/domain/import-request';
import { NumberChangeRequestSchema } from '../../lambdas/domain/number-change';
import { OptOutRequestSchema } from '../../lambdas/domain/opt-out-request';
import {
  SubscriptionSchema,
  VerificationCheckSchema,
  VerificationSchema,
} from '../../lambdas/domain/subscription-request';
import { DynamoConsentLogStore } from '../../lambdas/adapters/consent-log-store';
import { DynamoMessageStore } from '../../lambdas/adapters/message-store';
import { DynamoProfileStore } from '../../lambdas/adapters/profile-store';
import { COMPLIANT_DISCLOSURE, KEYWORDS_ONLY } from '../support/fixtures';
import { ROOT, startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { publishedEventTypes } from '../../scripts/api-docs';
import { OpenApiChecker, loadOpenApi } from '../support/openapi';
import { arbitraryOf } from '../support/zod-arbitrary';

const RUNS = 20;

/** Fresh US numbers (each run its own, so per-number rate limits and history do not interfere). */
let nextNumber = 2_065_550_000;
const freshPhone = () => fc.constant(null).map(() => `+1${nextNumber++}`);
const timeZones = Intl.supportedValuesOf('timeZone');

const consentOverrides = {
  phone: freshPhone(),
  'consent.disclosure': fc.record({
    text: fc.constant(COMPLIANT_DISCLOSURE),
    version: fc.stringMatching(/^[\w.-]{1,20}$/),
  }),
  'consent.classes': fc.subarray(['marketing', 'transactional'] as const, { minLength: 1 }),
  timeZone: fc.constantFrom(...timeZones),
};

interface Exchange {
  readonly status: number;
  readonly body: Record<string, unknown>;
  /** The number whose records must agree afterwards. */
  readonly phone?: string;
}

/** How each route is called with a generated valid request. */
type RouteCase = (runtime: TestRuntime) => fc.Arbitrary<() => Promise<Exchange>>;

function post(runtime: TestRuntime, path: string, body: unknown, headers: Record<string, string> = {}) {
  return async (): Promise<Exchange> => {
    const response = await fetch(`${runtime.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    const phone = (body as { phone?: unknown }).phone;
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      ...(typeof phone === 'string' ? { phone } : {}),
    };
  };
}

function get(runtime: TestRuntime, path: string, phone?: string) {
  return async (): Promise<Exchange> => {
    const response = await fetch(`${runtime.url}${path}`, { redirect: 'manual' });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // A redirect or a page: the status is what counts.
    }
    return { status: response.status, body, ...(phone ? { phone } : {}) };
  };
}

/** A shop's own fields on an event or an item: kept, within bounds, and never a reason to refuse it. */
const shopFields = fc.dictionary(
  fc.stringMatching(/^[a-z][A-Za-z0-9]{0,19}$/),
  fc.oneof(
    fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
    fc.integer(),
    fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((n) => n === 0 || Math.abs(n) >= 1e-6),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.stringMatching(/^[a-z]{1,8}$/), { maxLength: 3 }),
    fc.record({ city: fc.string({ unit: 'grapheme-ascii', maxLength: 20 }), zip: fc.integer({ min: 0 }) }),
  ),
  { maxKeys: 4 },
);

const futureIso = (runtime: TestRuntime, minHours: number, maxHours: number) =>
  fc
    .integer({ min: minHours * 60, max: maxHours * 60 })
    .map((minutes) => new Date(runtime.clock.now().getTime() + minutes * 60_000).toISOString());

const segments = fc.constantFrom(
  { all: true },
  { property: { name: '$source', equals: 'footer-form' } },
  { engagedWithinDays: 30 },
);

const campaignBodies = fc.constantFrom(
  'Fresh roast today: 20% off with code ROAST.',
  'Hi {{ first_name | default: "there" }}, the spring blend is back: https://acme-coffee.example/spring',
  '☕ New single origin in store',
);

const routeCases: Record<string, RouteCase> = {
  'POST /v1/subscriptions': (rt) =>
    arbitraryOf(SubscriptionSchema, consentOverrides).map((body) => post(rt, '/v1/subscriptions', body)),
  'POST /v1/verifications': (rt) =>
    arbitraryOf(VerificationSchema, { phone: freshPhone() }).map((body) =>
      post(rt, '/v1/verifications', body),
    ),
  'POST /v1/verifications/check': (rt) =>
    arbitraryOf(VerificationCheckSchema, { ...consentOverrides, code: fc.constant('000000') }).map(
      (body) => async () => {
        // A real code: asked for, then read from the phone.
        const started = await post(rt, '/v1/verifications', { phone: body.phone })();
        if (started.status !== 202) return started;
        const code = /\b(\d{6})\b/.exec((await rt.outbox(body.phone)).at(-1)?.body ?? '')?.[1] ?? '';
        return post(rt, '/v1/verifications/check', { ...body, code })();
      },
    ),
  'POST /v1/messages': (rt) =>
    arbitraryOf(MessageRequestSchema, {
      phone: fc.constantFrom('+12065559001', '+12065559002'),
      idempotencyKey: fc.uuid(),
    }).map((body) => post(rt, '/v1/messages', body)),
  'POST /v1/events': (rt) => {
    const event = arbitraryOf(CommerceEventRequestSchema, {
      phone: freshPhone(),
      $extras: shopFields,
      'items.$extras': shopFields,
    });
    return fc.oneof(
      event.map((body) => post(rt, '/v1/events', body)),
      fc.array(event, { minLength: 1, maxLength: 5 }).map((events) => async () => {
        const exchange = await post(rt, '/v1/events', { events })();
        // Every event of a valid batch has its own answer: accepted, or refused for what it is.
        if (exchange.status === 207) {
          const { results } = CommerceEventBatchResultSchema.parse(exchange.body);
          expect(results.map((r) => r.index)).toEqual(events.map((_, i) => i));
          for (const result of results) expect(result.status, JSON.stringify(result)).toBeLessThan(500);
        }
        return exchange;
      }),
    );
  },
  'POST /v1/opt-outs': (rt) =>
    arbitraryOf(OptOutRequestSchema, {
      // Fresh numbers: opting out the seeded ones would leave the other routes nobody to text.
      phone: freshPhone(),
      receivedAt: fc
        .integer({ min: -120, max: 5 })
        .map((minutes) => new Date(rt.clock.now().getTime() + minutes * 60_000).toISOString()),
    }).map((body) => post(rt, '/v1/opt-outs', body)),
  'POST /v1/campaigns': (rt) =>
    arbitraryOf(CampaignRequestSchema, {
      body: campaignBodies,
      'variants.body': campaignBodies,
      segment: segments,
      sendAt: futureIso(rt, 1, 48),
      sendAtLocalTime: fc.constantFrom('2030-01-15T10:00', '2030-03-02T14:30'),
      mediaUrls: fc.constant(undefined),
    }).map((body) => post(rt, '/v1/campaigns', body, { 'Idempotency-Key': crypto.randomUUID() })),
  'GET /v1/campaigns/{campaignId}': (rt) =>
    fc.oneof(fc.stringMatching(/^cmp_[0-9a-z]{8,40}$/), fc.constant('known')).map((id) => async () => {
      const campaignId = id === 'known' ? await knownCampaign(rt) : id;
      return get(rt, `/v1/campaigns/${campaignId}`)();
    }),
  'POST /v1/campaigns/{campaignId}/cancel': (rt) =>
    fc.oneof(fc.stringMatching(/^cmp_[0-9a-z]{8,40}$/), fc.constant('known')).map((id) => async () => {
      const campaignId = id === 'known' ? await knownCampaign(rt) : id;
      return post(rt, `/v1/campaigns/${campaignId}/cancel`, {})();
    }),
  'POST /v1/number-changes': (rt) =>
    arbitraryOf(NumberChangeRequestSchema, {
      newOriginationIdentity: fc.constantFrom('+18885550188', '+18885550199'),
      newPhoneNumber: fc.constantFrom('+18885550188', '+18885550199'),
      switchAt: futureIso(rt, 2, 24 * 20),
      finalMessage: fc.constant(undefined),
      firstMessage: fc.constant(undefined),
    }).map((body) => post(rt, '/v1/number-changes', body, { 'Idempotency-Key': crypto.randomUUID() })),
  'GET /v1/number-changes/{changeId}': (rt) =>
    fc.oneof(fc.stringMatching(/^nch_[0-9a-z]{8,40}$/), fc.constant('known')).map((id) => async () => {
      const changeId = id === 'known' ? await knownNumberChange(rt) : id;
      return get(rt, `/v1/number-changes/${changeId}`)();
    }),
  'POST /v1/imports': (rt) =>
    arbitraryOf(ImportUploadSchema, {
      map: fc.option(fc.constantFrom(['phone=Phone'], ['phone=Phone', 'first_name=First Name']), {
        nil: undefined,
      }),
    }).map((body) => post(rt, '/v1/imports', body, { 'Idempotency-Key': crypto.randomUUID() })),
  'POST /v1/imports/{importId}/batches': (rt) =>
    fc
      .record({
        importId: fc.stringMatching(/^imp-[0-9a-f]{20}$/),
        body: arbitraryOf(ImportBatchSchema, {
          'source.sha256': fc.stringMatching(/^[0-9a-f]{64}$/),
          'rows.phone': fc.constantFrom('+12065559101', '2065559102', '(206) 555-9103', 'not a number'),
          'rows.consentAt': fc.option(
            fc
              .date({ min: new Date('2020-01-01'), max: new Date('2026-01-01'), noInvalidDate: true })
              .map((d) => d.toISOString()),
            { nil: undefined },
          ),
          'rows.timeZone': fc.option(fc.constantFrom('America/Chicago', 'Mars/Olympus'), { nil: undefined }),
        }),
      })
      .map(({ importId, body }) => post(rt, `/v1/imports/${importId}/batches`, body)),
  'GET /v1/imports/{importId}': (rt) =>
    fc.oneof(fc.stringMatching(/^imp-[0-9a-f]{20}$/), fc.constant('known')).map((id) => async () => {
      const importId = id === 'known' ? await knownImport(rt) : id;
      return get(rt, `/v1/imports/${importId}`)();
    }),
  'GET /v1/flows/{flowId}/stats': (rt) =>
    fc
      .oneof(
        fc.constantFrom('welcome', 'abandonedCart', 'browseAbandonment', 'postPurchase'),
        fc.stringMatching(/^[a-z][A-Za-z0-9]{0,39}$/),
      )
      .map((flowId) => get(rt, `/v1/flows/${flowId}/stats`)),
  'GET /v1/profiles/{phone}': (rt) =>
    fc
      .constantFrom('+12065559001', '+12065559003')
      .map((phone) => get(rt, `/v1/profiles/${encodeURIComponent(phone)}`, phone)),
  'GET /v1/profiles/{phone}/consent-log': (rt) =>
    fc
      .constantFrom('+12065559001', '+12065559003')
      .map((phone) => get(rt, `/v1/profiles/${encodeURIComponent(phone)}/consent-log`, phone)),
  'GET /v1/profiles/{phone}/preferences-link': (rt) =>
    fc
      .constantFrom('+12065559001', '+12065559003')
      .map((phone) => get(rt, `/v1/profiles/${encodeURIComponent(phone)}/preferences-link`, phone)),
  'GET /v1/profiles/{phone}/messages': (rt) =>
    fc
      .record({
        phone: fc.constantFrom('+12065559001', '+12065559003'),
        limit: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
      })
      .map(({ phone, limit }) =>
        get(
          rt,
          `/v1/profiles/${encodeURIComponent(phone)}/messages${limit === undefined ? '' : `?limit=${limit}`}`,
          phone,
        ),
      ),
  'GET /v1/profiles/{phone}/export': (rt) =>
    fc
      .constantFrom('+12065559001', '+12065559003')
      .map((phone) => get(rt, `/v1/profiles/${encodeURIComponent(phone)}/export`, phone)),
  'GET /v1/profiles/{phone}/consent-certificate': (rt) =>
    fc
      .constantFrom('+12065559001', '+12065559003')
      .map((phone) => get(rt, `/v1/profiles/${encodeURIComponent(phone)}/consent-certificate`, phone)),
  'GET /v1/consent-certificates/public-key': (rt) =>
    fc.constant(get(rt, '/v1/consent-certificates/public-key')),
  'DELETE /v1/profiles/{phone}': (rt) =>
    // Fresh numbers, known or not: erasing the seeded ones would leave the other routes nobody to read.
    fc.record({ phone: freshPhone(), known: fc.boolean() }).map(({ phone, known }) => async () => {
      if (known) {
        const subscribed = await post(rt, '/v1/subscriptions', {
          phone,
          source: 'checkout',
          consent: { method: 'api', classes: ['transactional'], checkedByUser: true },
        })();
        expect(subscribed.status).toBe(200);
      }
      const response = await fetch(`${rt.url}/v1/profiles/${encodeURIComponent(phone)}`, {
        method: 'DELETE',
      });
      if (known) expect(response.status).toBe(200);
      // No phone to check: an erased number has a consent log and, by design, no profile.
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    }),
  'GET /v1/conversations': (rt) =>
    fc
      .option(fc.integer({ min: 1, max: 100 }), { nil: undefined })
      .map((limit) => get(rt, `/v1/conversations?state=open${limit === undefined ? '' : `&limit=${limit}`}`)),
  'GET /v1/conversations/{phone}': (rt) =>
    fc
      .constantFrom('+12065559001', '+12065559003')
      .map((phone) => get(rt, `/v1/conversations/${encodeURIComponent(phone)}`, phone)),
  'POST /v1/conversations/{phone}/close': (rt) =>
    fc
      .record({
        phone: fc.constantFrom('+12065559001', '+12065559003'),
        body: arbitraryOf(ConversationCloseSchema),
      })
      .map(({ phone, body }) => post(rt, `/v1/conversations/${encodeURIComponent(phone)}/close`, body ?? {})),
  'POST /v1/conversations/{phone}/replies': (rt) =>
    fc
      .record({
        phone: fc.constantFrom('+12065559001', '+12065559003'),
        body: arbitraryOf(ConversationReplySchema, {
          idempotencyKey: fc.uuid(),
          mediaUrls: fc.constant(undefined),
        }),
      })
      .map(({ phone, body }) => async () => ({
        ...(await post(rt, `/v1/conversations/${encodeURIComponent(phone)}/replies`, body)()),
        phone,
      })),
  'GET /r/{code}': (rt) => fc.stringMatching(/^[0-9A-Za-z]{6,12}$/).map((code) => get(rt, `/r/${code}`)),
  'GET /v1/openapi.json': (rt) => fc.constant(get(rt, '/v1/openapi.json')),
  'GET /v1/click-to-text': (rt) =>
    fc
      .record({
        keyword: fc.constantFrom('JOIN', 'join', ' Join '),
        format: fc.constantFrom(undefined, 'json'),
      })
      .map(({ keyword, format }) =>
        get(
          rt,
          `/v1/click-to-text?keyword=${encodeURIComponent(keyword)}${format ? `&format=${format}` : ''}`,
        ),
      ),
};

let campaignForReads: string | undefined;
async function knownCampaign(runtime: TestRuntime): Promise<string> {
  if (campaignForReads) return campaignForReads;
  const created = await runtime.post<{ campaignId: string }>('/v1/campaigns', {
    name: 'Reads',
    body: 'Fresh roast today.',
    segment: { all: true },
    sendAt: new Date(runtime.clock.now().getTime() + 86_400_000).toISOString(),
  });
  campaignForReads = created.body.campaignId;
  return campaignForReads;
}

const IMPORT_FOR_READS = 'imp-00000000000000000001';
async function knownImport(runtime: TestRuntime): Promise<string> {
  const batch = await runtime.post(`/v1/imports/${IMPORT_FOR_READS}/batches`, {
    batch: 1,
    source: { system: 'csv', fileName: 'reads.csv', sha256: '0'.repeat(64) },
    rows: [{ line: 2, phone: '+12065559111', consent: 'opted_out', properties: {} }],
  });
  expect(batch.status).toBe(200);
  return IMPORT_FOR_READS;
}

let numberChangeForReads: string | undefined;
async function knownNumberChange(runtime: TestRuntime): Promise<string> {
  if (numberChangeForReads) return numberChangeForReads;
  const created = await runtime.post<{ changeId: string }>('/v1/number-changes', {
    newOriginationIdentity: '+18885550177',
    newPhoneNumber: '+18885550177',
    switchAt: new Date(runtime.clock.now().getTime() + 10 * 86_400_000).toISOString(),
  });
  numberChangeForReads = created.body.changeId;
  return numberChangeForReads;
}

describe('valid requests to every route', () => {
  let runtime: TestRuntime;
  const profiles = () => new DynamoProfileStore(runtime.dynamo.tableNames.profiles);
  const consentLog = () => new DynamoConsentLogStore(runtime.dynamo.tableNames.consentLog);
  const messages = () => new DynamoMessageStore(runtime.dynamo.tableNames.messages);

  beforeAll(async () => {
    runtime = await startTestRuntime({
      // Enough for every generated request: the limits themselves are tested elsewhere.
      config: {
        // No welcome series texting in between: what a request sends is what it sent before it answered.
        ...KEYWORDS_ONLY,
        rateLimits: {
          perPhonePerHour: 100,
          perPrefixPerHour: 10_000,
          perIpPerHour: 10_000,
          globalPerHour: 1_000_000,
        },
      },
    });
    // Two numbers with history for the reads and the transactional sends.
    for (const phone of ['+12065559001', '+12065559002']) {
      const subscribed = await runtime.post('/v1/subscriptions', {
        phone,
        source: 'checkout',
        consent: { method: 'api', classes: ['transactional'], checkedByUser: true },
      });
      expect(subscribed.status).toBe(200);
    }
    // A conversation to read, reply in and close.
    await runtime.text('+12065559001', 'is my order on its way?');
  });
  afterAll(async () => {
    await runtime.stop();
  });

  /** The profile, its consent log and the texts the phone received tell the same story. */
  async function expectConsistent(phone: string): Promise<void> {
    const [profile, log] = await Promise.all([profiles().get(phone), consentLog().list(phone)]);
    const reading = readConsentLog(log);
    const changes = effectiveChanges(reading);
    if (changes.length > 0) expect(profile?.consentVersion).toBe(changes.at(-1)!.seq);
    const statuses = reading.changes.map((c) => changeStatus(reading, c, profile?.consentVersion ?? 0));
    expect(statuses.filter((s) => s !== 'done')).toEqual([]);
    const sent = (await messages().listByPhone(phone, 100)).filter(
      (m) => m.direction === 'outbound' && (m.status === 'sent' || m.status === 'delivered'),
    );
    expect((await runtime.outbox(phone)).length).toBe(sent.length);
  }

  it('covers every HTTP route of the catalog but the pages (test/pages/)', () => {
    const routes = Object.values(functions).flatMap((f) =>
      f.trigger.kind === 'http'
        ? (f.trigger.routes as readonly HttpRoute[])
            .filter((r) => !r.page)
            .map((r) => `${r.method} ${r.path}`)
        : [],
    );
    expect(Object.keys(routeCases).sort()).toEqual([...new Set(routes)].sort());
  });

  const description = new OpenApiChecker();

  it.each(Object.keys(routeCases))(
    '%s answers 2xx or 4xx, never 5xx, as described, and leaves the records consistent',
    async (route) => {
      const statuses: number[] = [];
      await fc.assert(
        fc.asyncProperty(routeCases[route]!(runtime), async (call) => {
          const exchange = await call();
          statuses.push(exchange.status);
          expect(exchange.status, JSON.stringify(exchange.body)).toBeLessThan(500);
          expect(description.responseProblems(route, exchange.status, exchange.body)).toEqual([]);
          if (exchange.status >= 400)
            expect(exchange.body).toMatchObject({ error: { code: expect.any(String) } });
          if (exchange.phone) await expectConsistent(exchange.phone);
        }),
        { numRuns: RUNS },
      );
      // The generator is honest only if valid requests are mostly accepted.
      expect(
        statuses.some((s) => s < 300 || s === 302 || s === 404),
        statuses.join(','),
      ).toBe(true);
    },
  );

  it('published events whose detail matches its schema in docs/events/', async () => {
    const { events } = (
      await runtime.get<{ events: { 'detail-type': string; detail: unknown }[] }>('/_local/events')
    ).body;
    // The events the API routes publish themselves (delivery reports publish others).
    const described = new Set(publishedEventTypes());
    const published = events.filter((e) => described.has(e['detail-type']));
    expect(new Set(published.map((e) => e['detail-type']))).toEqual(
      new Set([
        'SubscriptionRequested',
        'SubscriptionConfirmed',
        'ConversationMessage',
        'ConversationClosed',
        'CartAbandoned',
        'OrderPlaced',
        'OrderShipped',
        'OrderDelivered',
        'ProductViewed',
        'BackInStock',
        'PriceDropped',
      ]),
    );
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    // One validator per event type: the file read and compiled anew for each of hundreds of events
    // took most of this test's time.
    const validators = new Map<string, ValidateFunction>();
    const validatorOf = (detailType: string) => {
      let validate = validators.get(detailType);
      if (!validate) {
        validate = ajv.compile(
          JSON.parse(readFileSync(resolve(ROOT, 'docs', 'events', `${detailType}.json`), 'utf8')) as object,
        );
        validators.set(detailType, validate);
      }
      return validate;
    };
    for (const event of published) {
      const validate = validatorOf(event['detail-type']);
      expect(validate(event.detail) ? [] : validate.errors, JSON.stringify(event.detail)).toEqual([]);
    }
  });

  it('serves the committed API description', async () => {
    const response = await runtime.get('/v1/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body).toEqual(loadOpenApi());
  });

  it('stores the time zone of a subscription (a reserved word in DynamoDB)', async () => {
    const phone = '+12065559010';
    const response = await runtime.post<{ marketing: string }>('/v1/subscriptions', {
      phone,
      source: 'footer-form',
      timeZone: 'America/Los_Angeles',
      consent: {
        method: 'form',
        classes: ['marketing'],
        disclosure: { text: COMPLIANT_DISCLOSURE, version: '2026-05' },
        checkedByUser: true,
      },
    });
    expect(response.status).toBe(202);
    expect(await profiles().get(phone)).toMatchObject({
      marketing: 'pending',
      timeZone: 'America/Los_Angeles',
    });
    await expectConsistent(phone);
  });
});
