/**
 * 1,000 generated malformed or hostile requests to the API: wrong types, huge strings, unicode
 * tricks, extra fields, invalid numbers, broken JSON. Every answer must be a 4xx with a JSON error
 * (or, for a batch of events, a 207 whose every result is one), never a 500, and nothing may be
 * texted or written. Extra fields are refused everywhere but on commerce events, which keep a
 * shop's own fields; there the hostile ones are (prototype names, too deep, too many, too large).
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables, type TableId } from '../../lib/catalog';
import { formSubscription } from '../support/fixtures';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';

const huge = 'A'.repeat(70_000);
const notStrings = [null, 0, -1, 1.5, true, false, [], {}, ['x'], { nested: { deep: true } }];
const unicodeTricks = [
  '１２０６５５５０１００',
  '+1 206 555 0100\u202e',
  '+1206555\u200b0100',
  'a\u0000b',
  'x\u202ey',
];
const injections = ['<script>alert(1)</script>', "'; DROP TABLE profiles; --", '{{ 7*7 }}', '${process.env}'];
/** Values that are invalid for each field (every one of them must be refused). */
const invalid: Record<string, unknown[]> = {
  phone: [
    ...notStrings,
    '',
    ' ',
    'abc',
    '+1555',
    '+15555550100',
    '+33612345678',
    huge,
    ...unicodeTricks,
    ...injections,
  ],
  source: [...notStrings, '', huge, 'a\u0000b', ...injections],
  consent: [...notStrings.filter((v) => typeof v !== 'object' || Array.isArray(v) || v === null), 'x'],
  'consent.method': [...notStrings, '', 'email', 'otp', 'keyword'],
  'consent.classes': [
    ...notStrings,
    ['spam'],
    ['marketing', 'marketing'],
    'marketing',
    ['marketing', 'transactional', 'marketing'],
  ],
  'consent.checkedByUser': [false, 'true', 1, null, [], {}],
  'consent.disclosure': [...notStrings.filter((v) => v !== undefined), 'text'],
  'consent.disclosure.text': [...notStrings, '', huge, 'Text us for deals', 'a\u0000b'],
  'consent.disclosure.version': [...notStrings, '', huge],
  'consent.pageUrl': [...notStrings, '', 'not a url', huge],
  'consent.ip': [...notStrings, '', 'abc', '999.1.1.1', '1.2.3', ...injections],
  'consent.userAgent': [...notStrings, '', huge, 'a\u0000b', 'x\u202ey'],
  timeZone: [...notStrings, '', 'Mars/Olympus_Mons', huge],
  properties: [
    null,
    0,
    true,
    [],
    ['x'],
    'x',
    { $source: 'forged' },
    { 'a b': 1 },
    { x: { nested: 1 } },
    { x: null },
    { x: huge },
  ],
};

function setPath(target: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(target);
  let cursor: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) cursor = cursor[key] as Record<string, unknown>;
  cursor[path.at(-1)!] = value;
  return copy;
}

const validSubscription = formSubscription('+12065550150') as unknown as Record<string, unknown>;

/** A valid subscription with exactly one field broken. */
const brokenSubscription = fc.oneof(
  fc
    .constantFrom(...Object.entries(invalid))
    .chain(([path, values]) =>
      fc.constantFrom(...values).map((value) => setPath(validSubscription, path.split('.'), value)),
    ),
  fc.constantFrom<Record<string, unknown>>(
    setPath(validSubscription, ['consent', 'method'], 'checkout'),
    setPath(
      validSubscription,
      ['properties'],
      Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`p${i}`, i])),
    ),
    { ...validSubscription, admin: true },
    { ...validSubscription, consent: { ...(validSubscription.consent as object), extra: 1 } },
    { ...validSubscription, phone: undefined },
    { ...validSubscription, consent: undefined },
  ),
);

const phoneBad = fc.constantFrom(...(invalid.phone ?? []));
const brokenMessage = fc.oneof(
  fc.record({ phone: phoneBad, body: fc.constant('hi'), idempotencyKey: fc.constant('key-12345678') }),
  fc.record({
    phone: fc.constant('+12065550150'),
    body: fc.constantFrom(...notStrings, '', '   ', 'x'.repeat(1601)),
    idempotencyKey: fc.constant('key-12345678'),
  }),
  fc.record({
    phone: fc.constant('+12065550150'),
    body: fc.constant('hi'),
    idempotencyKey: fc.constantFrom(...notStrings, '', 'short', '../../x-123456', huge),
  }),
  fc.constant({ phone: '+12065550150', body: 'hi' }),
  fc.constant({
    phone: '+12065550150',
    body: 'hi',
    idempotencyKey: 'key-12345678',
    mediaUrls: ['http://evil.example/x.jpg'],
  }),
);

const validCart = {
  type: 'CartAbandoned',
  phone: '+12065550150',
  cartId: 'c-1',
  cartUrl: 'https://acme.example/cart/c-1',
  items: [{ productId: 'p-1', name: 'House Blend', quantity: 1, price: 14.5 }],
  total: 14.5,
  abandonedAt: '2026-10-06T17:00:00Z',
};
const deep = (levels: number): unknown => (levels === 0 ? 1 : { next: deep(levels - 1) });
/** Values that are invalid for each field of a cart event (known fields, and hostile extras). */
const invalidCart: Record<string, unknown[]> = {
  type: [...notStrings, '', 'cartabandoned', 'Refunded', huge],
  phone: invalid.phone ?? [],
  cartId: [
    ...notStrings.filter((v) => typeof v !== 'number' || !Number.isInteger(v) || v < 0),
    '',
    'a b',
    huge,
  ],
  cartUrl: [...notStrings, '', 'javascript:alert(1)', 'ftp://x.example/c', huge],
  items: [
    ...notStrings.filter((v) => !Array.isArray(v) || v.length > 0),
    [],
    Array(101).fill(validCart.items[0]),
  ],
  'items.0.quantity': [...notStrings, 0, 1.5, 10_001, '2', 'two'],
  'items.0.price': [
    ...notStrings.filter((v) => typeof v !== 'number' || v < 0),
    -1,
    1e200,
    1e-200,
    '1,00',
    '$5',
    'NaN',
  ],
  'items.0.name': [...notStrings, '', 'a\u0000b', huge],
  total: [-1, 1e200, 1e-200, 'lots', null, true, [], {}],
  abandonedAt: [...notStrings, '', 'yesterday', '2026-13-01T00:00:00Z'],
  // null counts as absent: an optional field then takes its default.
  currency: [...notStrings.filter((v) => v !== null), 'usd', 'EURO'],
  storeRank: [1e200, 1e-200, -1e130],
  'items.0.variant': ['a\u0000b', deep(3)],
  nested: [deep(3), { a: [[[1]]] }],
  note: ['x'.repeat(9000), 'bell\u0007'],
  eventId: ['forged'],
  cart_url: ['https://evil.example/c'],
  'shipping.constructor': [{ prototype: 1 }],
};
/** A valid cart event with exactly one field broken (or one hostile extra added). */
const brokenCart = fc.oneof(
  fc.constantFrom(...Object.entries(invalidCart)).chain(([path, values]) =>
    fc.constantFrom(...values).map((value) => {
      const keys = path.split('.');
      if (keys[0] === 'shipping') return { ...validCart, shipping: { constructor: value } };
      return setPath(validCart, keys, value);
    }),
  ),
  fc.constant({ ...validCart, ...Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, i])) }),
  fc.constant({ ...validCart, storeId: 's-1', store_id: 's-1' }),
  fc.constant({ ...validCart, items: [{ ...validCart.items[0], product_id: 'p-2' }] }),
);

type Request = { path: string; body: string };
const asJson =
  (path: string) =>
  (value: unknown): Request => ({ path, body: JSON.stringify(value) ?? 'null' });
const requestArb: fc.Arbitrary<Request> = fc.oneof(
  { weight: 4, arbitrary: brokenSubscription.map(asJson('/v1/subscriptions')) },
  {
    weight: 3,
    arbitrary: brokenSubscription
      .map((s) => ({ ...s, code: '123456' }))
      .map(asJson('/v1/verifications/check')),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom<unknown>(...notStrings, '', '12345', '1234567', 'abcdef', '１２３４５６', huge)
      .map((code) => asJson('/v1/verifications/check')({ ...validSubscription, code })),
  },
  { weight: 2, arbitrary: phoneBad.map((phone) => asJson('/v1/verifications')({ phone })) },
  {
    weight: 1,
    arbitrary: fc
      .record({ phone: fc.constant('+12065550150'), extra: fc.jsonValue() })
      .map(asJson('/v1/verifications')),
  },
  { weight: 3, arbitrary: brokenMessage.map(asJson('/v1/messages')) },
  { weight: 3, arbitrary: brokenCart.map(asJson('/v1/events')) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        fc.array(brokenCart, { minLength: 1, maxLength: 5 }).map((events) => ({ events })),
        fc.constantFrom<unknown>(
          {},
          { events: null },
          { events: {} },
          { events: [] },
          { events: Array(101).fill(validCart) },
          { events: [validCart], admin: true },
        ),
      )
      .map(asJson('/v1/events')),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        JSON.stringify(validCart).replace('{', '{"__proto__":{"admin":true},'),
        JSON.stringify(validCart).replace('"name"', '"constructor":{"prototype":{}},"name"'),
        JSON.stringify(validCart).replace('"total":14.5', '"total":1e400'),
        JSON.stringify({ events: [validCart] }).replace('"cartId"', '"__proto__":null,"cartId"'),
        '{"events":',
        '[]',
        'null',
      )
      .map((body) => ({ path: '/v1/events', body })),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom('/v1/subscriptions', '/v1/verifications', '/v1/verifications/check', '/v1/messages'),
        fc.jsonValue(),
      )
      .map(([path, value]) => asJson(path)(value)),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom('/v1/subscriptions', '/v1/verifications', '/v1/messages'),
        fc.constantFrom(
          '{',
          '',
          'null',
          '[]',
          '"x"',
          '{"phone":',
          huge,
          '\u0000',
          JSON.stringify(validSubscription).replace('{', '{"__proto__":{"admin":true},'),
        ),
      )
      .map(([path, body]) => ({ path, body })),
  },
);

describe('API fuzzing', () => {
  let runtime: TestRuntime;
  let dynamo: DynamoDBClient;
  const itemCount = async () => {
    let total = 0;
    for (const id of Object.keys(tables) as TableId[]) {
      total +=
        (await dynamo.send(new ScanCommand({ TableName: runtime.dynamo.tableNames[id], Select: 'COUNT' })))
          .Count ?? 0;
    }
    return total;
  };

  beforeAll(async () => {
    runtime = await startTestRuntime();
    dynamo = new DynamoDBClient({
      endpoint: runtime.dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
  });
  afterAll(async () => {
    dynamo.destroy();
    await runtime.stop();
  });

  it('answers 1,000 malformed or hostile requests with a 4xx JSON error, texting and writing nothing', async () => {
    const itemsBefore = await itemCount();
    const outboxBefore = runtime.sms.outbox.length;
    const statuses = new Map<number, number>();

    await fc.assert(
      fc.asyncProperty(requestArb, async ({ path, body }) => {
        const response = await fetch(`${runtime.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const json = (await response.json()) as {
          error?: { code?: unknown; message?: unknown };
          results?: { status: number; error?: { code?: unknown; message?: unknown } }[];
        };
        // A batch of events whose every event is refused: each result is the 4xx it would have had.
        const answers =
          response.status === 207 ? (json.results ?? []) : [{ ...json, status: response.status }];
        expect(answers.length).toBeGreaterThan(0);
        for (const answer of answers) {
          expect(answer.status).toBeGreaterThanOrEqual(400);
          expect(answer.status).toBeLessThan(500);
          expect(typeof answer.error?.code).toBe('string');
          expect(typeof answer.error?.message).toBe('string');
        }
      }),
      { numRuns: 1000 },
    );

    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(1000);
    expect(runtime.sms.outbox.length).toBe(outboxBefore);
    expect(await itemCount()).toBe(itemsBefore);
  });
});
