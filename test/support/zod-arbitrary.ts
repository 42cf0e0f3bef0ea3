/**
 * fast-check arbitraries made from a request's own zod schema (zod 4, classic or mini), so the tests
 * send what the route declares valid, with every optional field both present and absent. What a
 * schema cannot say (a refinement: a phone number that exists, a disclosure with its required
 * elements) comes from an override for that field's path (`consent.disclosure.text`); a value that
 * still fails the schema as a whole is filtered out. An object that keeps unknown fields
 * (`z.looseObject`) gets them from the override `<path>.$extras` (`$extras` at the top), if given.
 */
import * as fc from 'fast-check';
import * as z from 'zod/mini';

type Schema = z.core.$ZodType;
type Def = Record<string, unknown> & { type: string };
type Check = { _zod: { def: Record<string, unknown> & { check: string } } };

export type Overrides = Readonly<Record<string, fc.Arbitrary<unknown>>>;

/** At most this many elements in arrays and records: enough to vary, small enough to send. */
const MAX_ITEMS = 3;

/**
 * Made once and shared (an arbitrary holds no state between values): building a URL arbitrary maps
 * every code point for its percent-encoded characters, a few hundred milliseconds each time.
 */
const HTTPS_URL = fc.webUrl({ validSchemes: ['https'] });

export function arbitraryOf<S extends Schema>(
  schema: S,
  overrides: Overrides = {},
): fc.Arbitrary<z.output<S>> {
  return build(schema, [], overrides).filter((value) => z.safeParse(schema, value).success) as fc.Arbitrary<
    z.output<S>
  >;
}

function defOf(schema: Schema): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

function checksOf(def: Def): Check['_zod']['def'][] {
  return ((def.checks as Check[] | undefined) ?? []).map((c) => c._zod.def);
}

function isOptionalIn(schema: Schema): boolean {
  return (schema as unknown as { _zod: { optin?: string } })._zod.optin === 'optional';
}

function build(schema: Schema, path: string[], overrides: Overrides): fc.Arbitrary<unknown> {
  const key = path.join('.');
  const override = overrides[key];
  if (override) return override;
  const def = defOf(schema);
  const checks = checksOf(def);
  // A refinement of a string (a real time zone, a template that parses) is beyond a generator: it
  // needs an override. Other refinements (a number's range, distinct items) filter what is generated.
  if (checks.some((c) => c.check === 'custom') && def.type === 'string') {
    throw new Error(
      `${key || 'the request'} has a refinement the generator cannot satisfy: give an override`,
    );
  }
  const base = buildBase(schema, def, checks, path, overrides);
  return checks.some((c) => c.check === 'custom')
    ? base.filter((value) => z.safeParse(schema, value).success)
    : base;
}

function buildBase(
  schema: Schema,
  def: Def,
  checks: Check['_zod']['def'][],
  path: string[],
  overrides: Overrides,
): fc.Arbitrary<unknown> {
  const key = path.join('.');
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'nullable':
    case 'readonly':
      return build(def.innerType as Schema, path, overrides);
    case 'pipe': {
      // A preprocessing step (a transform first) takes what the schema after it takes.
      const first = def.in as Schema;
      return build(defOf(first).type === 'transform' ? (def.out as Schema) : first, path, overrides);
    }
    case 'literal':
      return fc.constantFrom(...(def.values as unknown[]));
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries as Record<string, unknown>));
    case 'boolean':
      return fc.boolean();
    case 'number':
      return numberOf(def, checks);
    case 'string':
      return stringOf(def, checks, key);
    case 'array': {
      const min = Number(checks.find((c) => c.check === 'min_length')?.minimum ?? 0);
      const max = Number(checks.find((c) => c.check === 'max_length')?.maximum ?? MAX_ITEMS);
      return fc.array(build(def.element as Schema, path, overrides), {
        minLength: min,
        maxLength: Math.max(min, Math.min(max, MAX_ITEMS)),
      });
    }
    case 'record':
      return fc.dictionary(
        build(def.keyType as Schema, [...path, '$key'], overrides) as fc.Arbitrary<string>,
        build(def.valueType as Schema, [...path, '$value'], overrides),
        { maxKeys: MAX_ITEMS },
      );
    case 'union':
      return fc.oneof(...(def.options as Schema[]).map((option) => build(option, path, overrides)));
    case 'object': {
      const shape = def.shape as Record<string, Schema>;
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      const requiredKeys: string[] = [];
      for (const [name, field] of Object.entries(shape)) {
        model[name] = build(field, [...path, name], overrides);
        if (!isOptionalIn(field)) requiredKeys.push(name);
      }
      const record = fc.record(model, { requiredKeys });
      const extras = overrides[[...path, '$extras'].join('.')];
      const catchall = def.catchall as Schema | undefined;
      if (!extras || !catchall || defOf(catchall).type !== 'unknown') return record;
      return fc
        .tuple(record, extras as fc.Arbitrary<Record<string, unknown>>)
        .map(([known, more]) => ({ ...more, ...known }));
    }
    default:
      throw new Error(`${key || 'the request'}: no generator for zod type ${def.type}; give an override`);
  }
}

function numberOf(def: Def, checks: Check['_zod']['def'][]): fc.Arbitrary<number> {
  const lower = checks.find((c) => c.check === 'greater_than');
  const upper = checks.find((c) => c.check === 'less_than');
  const integer = typeof def.format === 'string' && /int/.test(def.format);
  const min = lower ? Number(lower.value) : -1e9;
  const max = upper ? Number(upper.value) : 1e9;
  if (integer) {
    return fc.integer({
      min: Math.ceil(lower && !lower.inclusive ? min + 1 : min),
      max: Math.floor(upper && !upper.inclusive ? max - 1 : max),
    });
  }
  return fc.double({
    min,
    max,
    minExcluded: lower ? !lower.inclusive : false,
    maxExcluded: upper ? !upper.inclusive : false,
    noNaN: true,
    noDefaultInfinity: true,
  });
}

function stringOf(def: Def, checks: Check['_zod']['def'][], key: string): fc.Arbitrary<string> {
  const min = Number(checks.find((c) => c.check === 'min_length')?.minimum ?? 0);
  const max = Number(checks.find((c) => c.check === 'max_length')?.maximum ?? 200);
  const fits = (s: string) => s.length >= min && s.length <= max;
  switch (def.format) {
    case 'url':
      return HTTPS_URL.filter(fits);
    case 'ipv4':
      return fc.ipV4();
    case 'ipv6':
      return fc.ipV6();
    case 'email':
      return fc.emailAddress().filter(fits);
    case 'datetime':
      return fc
        .date({
          min: new Date('2020-01-01T00:00:00Z'),
          max: new Date('2030-12-31T00:00:00Z'),
          noInvalidDate: true,
        })
        .map((d) => d.toISOString());
    default:
      break;
  }
  const patterns = checks
    .filter((c) => c.check === 'string_format' && c.format === 'regex')
    .map((c) => c.pattern as RegExp);
  const matchesAll = (s: string) => patterns.every((p) => new RegExp(p.source, p.flags).test(s));
  // One anchored pattern without Unicode property classes: generate from it; otherwise printable text.
  const [first] = patterns;
  if (first && first.source.startsWith('^') && !first.flags.includes('u')) {
    return fc.stringMatching(first).filter((s) => fits(s) && matchesAll(s));
  }
  if (typeof def.format === 'string' && def.format !== 'regex') {
    throw new Error(`${key}: no generator for string format ${def.format}; give an override`);
  }
  return fc
    .string({ unit: 'grapheme-ascii', minLength: min, maxLength: Math.min(max, 60) })
    .filter((s) => fits(s) && matchesAll(s));
}
