/**
 * The segment language (lambdas/domain/segments.ts) as JSON Schema. Its validator is a hand-written
 * checker behind a zod pipe (segment-schema.ts: each refusal names the exact field), which zod
 * cannot render, so the description carries this one. Depth and count limits are the checker's
 * alone (JSON Schema cannot count across a tree); a test checks that every segment the checker
 * accepts in its own tests is valid here.
 */
import { PROPERTY_OPERATORS, SEGMENT_LIMITS } from '../../lambdas/domain/segments';

type JsonSchema = Record<string, unknown>;

const value: JsonSchema = {
  anyOf: [
    { type: 'string', maxLength: SEGMENT_LIMITS.maxStringLength },
    { type: 'number' },
    { type: 'boolean' },
  ],
};
const days: JsonSchema = { type: 'integer', minimum: 1, maximum: SEGMENT_LIMITS.maxDays };
const ref = { $ref: '#/components/schemas/SegmentCondition' };
const list: JsonSchema = { type: 'array', minItems: 1, items: ref };

const operand: Record<(typeof PROPERTY_OPERATORS)[number], JsonSchema> = {
  equals: value,
  notEquals: value,
  in: { type: 'array', minItems: 1, maxItems: SEGMENT_LIMITS.maxInValues, items: value },
  exists: { type: 'boolean' },
  gt: { type: 'number' },
  gte: { type: 'number' },
  lt: { type: 'number' },
  lte: { type: 'number' },
};

interface ObjectSchema {
  readonly type: 'object';
  readonly description: string;
  readonly properties: Record<string, JsonSchema>;
  readonly required: readonly string[];
  readonly additionalProperties: false;
}

const single = (key: string, schema: JsonSchema, description: string): ObjectSchema => ({
  type: 'object',
  description,
  properties: { [key]: schema },
  required: [key],
  additionalProperties: false,
});

/** Each kind of condition, one object schema each (a property condition: one per operator). */
const conditions: readonly ObjectSchema[] = [
  single('all', list, 'Every listed condition holds'),
  single('any', list, 'At least one listed condition holds'),
  single('not', ref, 'The condition does not hold'),
  single('engagedWithinDays', days, 'Clicked, ordered or subscribed within the days'),
  single('highIntentWithinDays', days, 'Viewed a product or abandoned a cart within the days'),
  single(
    'vip',
    {
      type: 'object',
      properties: {
        minOrders: { type: 'integer', minimum: 1, maximum: 1_000_000 },
        minTotalSpent: { type: 'number', exclusiveMinimum: 0, maximum: 1e12 },
      },
      minProperties: 1,
      additionalProperties: false,
    },
    'At least minOrders orders or minTotalSpent spent (either makes a VIP)',
  ),
  single(
    'phones',
    {
      type: 'array',
      minItems: 1,
      maxItems: SEGMENT_LIMITS.maxPhones,
      items: { type: 'string', pattern: '^\\+[1-9]\\d{6,14}$' },
    },
    'One of these E.164 numbers',
  ),
  ...PROPERTY_OPERATORS.map((op): ObjectSchema => ({
    type: 'object',
    description: `A profile property compared with \`${op}\``,
    properties: { property: { type: 'string', pattern: '^[A-Za-z$][\\w.-]{0,127}$' }, [op]: operand[op] },
    required: ['property', op],
    additionalProperties: false,
  })),
];

/** One condition of a segment. */
export const segmentConditionJsonSchema: JsonSchema = {
  description: `A condition: exactly one kind. Trees go at most ${SEGMENT_LIMITS.maxDepth} levels deep, with at most ${SEGMENT_LIMITS.maxConditions} conditions in a segment.`,
  oneOf: conditions,
};

/** A whole segment: `{ "all": true }` or one condition, with an optional top-level `exclude`. */
export const segmentJsonSchema: JsonSchema = {
  description:
    'Who a campaign goes to among marketing subscribers (docs/campaigns.md, Segments): `{ "all": true }` or one condition, and optionally `exclude`, a list of conditions. A campaign never goes to a number that is not subscribed, opted out, paused or undeliverable, whatever the segment says.',
  examples: [
    { all: true },
    {
      all: [{ engagedWithinDays: 90 }, { property: 'preferences.coffee', equals: 'iced' }],
      exclude: [{ vip: { minOrders: 3 } }],
    },
  ],
  oneOf: [single('all', { const: true }, 'Every marketing subscriber'), ...conditions].map((variant) => ({
    ...variant,
    properties: { ...variant.properties, exclude: list },
  })),
};
