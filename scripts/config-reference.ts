/**
 * Generates docs/config-reference.md, the reference of every key of the `optline` config, from the
 * zod schema that validates it (`DeploymentConfigSchema`, lib/config.ts) through its JSON Schema:
 * key, type, default, constraints and description. Run it after changing the schema:
 *
 *   npx tsx scripts/config-reference.ts
 *
 * test/infrastructure/config-reference.test.ts regenerates the file in memory and fails when the
 * committed one is stale.
 *
 * Descriptions come from the schema (`.describe()` in lib/config.ts). The program settings are defined
 * in lambdas/domain/runtime-config.ts, whose documentation is in JSDoc comments a JSON Schema cannot
 * carry, so their descriptions live in PROGRAM_DESCRIPTIONS below; a key without one shows an empty
 * description rather than failing. Rules the JSON Schema cannot express (refinements such as the TCPA
 * window or the required opt-out keywords) are stated in those descriptions.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as prettier from 'prettier';
import * as z from 'zod';
import { DeploymentConfigSchema } from '../lib/config';

const ROOT = resolve(__dirname, '..');
export const CONFIG_REFERENCE_PATH = resolve(ROOT, 'docs', 'config-reference.md');

/** Program keys (lambdas/domain/runtime-config.ts); `*` stands for any one key. */
const PROGRAM_DESCRIPTIONS: Record<string, string> = {
  brand: 'Brand name: the prefix of every message and the first word of every disclosure',
  programName:
    'Program name shown in opt-in confirmations and HELP; defaults to the brand followed by "Texts"',
  supportContact: 'How subscribers reach a human (the HELP reply): an email, a phone number or a URL',
  messageFrequency: 'Message-frequency disclosure, e.g. "Up to 6 msgs/mo" or "Msg frequency varies"',
  termsUrl: 'Terms of the program, linked in opt-in disclosures',
  privacyUrl: 'Privacy policy, linked in opt-in disclosures',
  allowedCountries:
    "Destination countries (ISO 3166-1 alpha-2); every other country is blocked by an End User Messaging protect configuration. Defaults to the origination number's country",
  defaultTimeZone: 'IANA time zone used when neither the profile nor the number tells one',
  doubleOptIn: 'Require a YES reply (or an OTP) before marketing messages',
  quietHours: 'Local sending window for marketing messages; it can only be narrowed',
  'quietHours.start': 'Earliest local time a marketing message may be sent; not before 08:00 (TCPA window)',
  'quietHours.end':
    'Local time after which marketing messages wait for the next day; not after 21:00 (TCPA window), after start',
  smartSendingHours:
    'Skip a marketing message when the number got any text within this many hours (0 turns it off)',
  keywords: 'Keywords subscribers text, matched as whole words; a word may belong to one group only',
  'keywords.optOut':
    'Opt-out keywords; must include STOP, CANCEL, END, QUIT, UNSUBSCRIBE, OPTOUT and REVOKE (short natural-language revocations are recognised too)',
  'keywords.help': 'Keywords answered with the HELP message',
  'keywords.optIn': 'Keywords that start an opt-in (marketing pending, double opt-in request)',
  'keywords.confirm': 'Replies that confirm a pending opt-in',
  'keywords.resubscribe': 'Keywords that restore the subscriptions an opt-out ended',
  'keywords.custom': 'Keywords that set or clear a profile property (PAUSE, RESUME…)',
  'keywords.custom[].keyword': 'The keyword',
  'keywords.custom[].aliases':
    'Other spellings that mean the same (misspellings, translations); matched as whole words',
  'keywords.custom[].setProperty': 'Profile property to set',
  'keywords.custom[].setProperty.name': 'Property name, e.g. Paused or Paused-BFCM2025',
  'keywords.custom[].setProperty.value': 'Value to set; null clears the property',
  'keywords.custom[].reply': 'Reply sent when the keyword is honoured',
  'keywords.custom[].onlyInReplyTo':
    'Only honour the keyword when it answers a message of this campaign (or flow) id',
  rateLimits: 'Limits on the public (browser-facing) routes that can make Optline text: SMS-pumping defence',
  'rateLimits.perPhonePerHour': 'Texts triggered for one phone number per hour',
  'rateLimits.perPrefixPerHour':
    'Texts triggered per number prefix (all but the last four digits) per hour: pumping rings use number blocks',
  'rateLimits.perIpPerHour': 'Requests from one source IP per hour',
  'rateLimits.globalPerHour': 'Texts triggered through public routes per hour, all callers together',
  flows:
    'Welcome series, abandoned cart, back in stock and price drop, and the flows written as data (definitions)',
  'flows.definitions':
    'Flows written as data (docs/flows.md#flow-definitions), after the built-in ones (browseAbandonment, postPurchase, orderShipped, orderDelivered, replenishment, welcome, abandonedCart, backInStock, priceDrop): a definition with a new id adds a flow, one with a built-in id replaces it, and { "id": "browseAbandonment", "enabled": false } switches one off',
  'flows.welcome':
    'Welcome series, started by a confirmed subscription; translated into the built-in definition welcome (docs/flows.md#settings-under-their-own-keys)',
  'flows.welcome.enabled': 'Run the flow',
  'flows.welcome.topic':
    'The preference topic (one of preferences.topics) its texts are about: skipped as topic_off for a subscriber who turned it off; none: every subscriber',
  'flows.welcome.steps': 'Up to 4 messages',
  'flows.welcome.steps[].delayMinutes':
    'Wait after the previous step (the first step waits after confirmation)',
  'flows.welcome.steps[].body':
    'Liquid template of the message, checked when the config is validated (variables: event.source, profile fields)',
  'flows.welcome.steps[].bodyBySource':
    "Bodies by the subscription's $source, so each form's promised incentive is delivered",
  'flows.welcome.steps[].contactCard':
    'Send the contact card (vCard) as MMS when the number supports MMS; text otherwise',
  'flows.welcome.steps[].quietHours': 'Respect quiet hours',
  'flows.welcome.steps[].smartSending': 'Respect smart sending',
  'flows.abandonedCart':
    'Abandoned cart: one text per cart; translated into the built-in definition abandonedCart (docs/flows.md#settings-under-their-own-keys)',
  'flows.backInStock':
    'Back in stock: one text per product and day; translated into the built-in definition backInStock (docs/flows.md#settings-under-their-own-keys)',
  'flows.priceDrop':
    'Price drop: one text per product and day; translated into the built-in definition priceDrop (docs/flows.md#settings-under-their-own-keys)',
  'flows.*.enabled': 'Run the flow',
  'flows.*.topic':
    'The preference topic (one of preferences.topics) its text is about: skipped as topic_off for a subscriber who turned it off; none: every subscriber',
  'flows.*.delayMinutes': 'Wait after the triggering event',
  'flows.*.deadlineHours':
    'The message is skipped when quiet hours and smart sending would push it past this many hours after the event',
  'flows.*.body':
    'Liquid template of the message, checked when the config is validated against the event variables',
  sending: 'Guards passed to End User Messaging with every send',
  'sending.maxPricePerPartUsd':
    'Highest price per message part End User Messaging may charge (USD); dearer destinations are refused',
  'sending.smartEncoding':
    'Smart encoding: before sending, replace characters that force UCS-2 (70 characters per segment instead of 160) but have a GSM-7 look-alike (curly quotes, en and em dashes, non-breaking and other spaces, the ellipsis…) when that makes the whole text GSM-7; the message record keeps the text as written (docs/campaigns.md#what-a-text-costs)',
  'sending.timeToLiveSeconds':
    'Seconds End User Messaging keeps trying to deliver, by message class: a late promotion is worse than none',
  'sending.timeToLiveSeconds.*': 'Delivery time to live for this message class, in seconds',
  optOutLanguage:
    'Opt-out language ("Reply STOP to opt out") on marketing texts: on the first one to a number, or on all',
  campaignEstimateSeconds:
    'Seconds POST /v1/campaigns counts the audience before it answers 202 with state `estimating` and leaves the rest of the count to the campaign dispatcher',
  messageRetentionDays:
    'How long message records (sends, skips, inbound texts) are kept before DynamoDB expires them',
  links:
    "Short links in campaign texts: https://<domain>/<code> on the brand's own domain, or else the API's /r/<code>. domain needs hostedZoneId and hostedZoneName, or certificateArn (docs/campaigns.md#links-and-attribution)",
  'links.domain':
    'A domain of your own for short links, such as go.acme.com: the stack serves GET /<code> on it (an API Gateway custom domain mapping only the public link routes, behind the same WAF), and texts carry https://<domain>/<code>',
  'links.certificateArn':
    "An ACM certificate for links.domain in the stack's region; without it the stack requests one, validated by DNS in the hosted zone",
  'links.hostedZoneId':
    'The Route 53 public hosted zone of links.domain: the certificate is validated and the alias record created there (with hostedZoneName)',
  'links.hostedZoneName': 'The name of that hosted zone, such as acme.com',
  'links.codeLength':
    'Characters of a short-link code (base62, 7 to 22): 7 hold 3.5 trillion codes; a code another link holds makes the new link take its next candidate',
};

interface JsonSchema {
  type?: string;
  description?: string;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

interface Row {
  readonly key: string;
  readonly type: string;
  readonly defaultValue: string;
  readonly constraints: string;
  readonly description: string;
}

/** The Markdown of docs/config-reference.md, formatted as the repository's Prettier would. */
export async function renderConfigReference(): Promise<string> {
  const schema = z.toJSONSchema(DeploymentConfigSchema, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  const top = schema.properties ?? {};
  const program = top.program ?? {};
  const rows: Row[] = [];
  // Program settings are written at the top level of `optline`, next to the deployment keys.
  for (const [key, property] of Object.entries(program.properties ?? {}))
    rows.push(...rowsFor(key, property, (program.required ?? []).includes(key)));
  for (const [key, property] of Object.entries(top)) {
    if (key === 'program') continue;
    rows.push(...rowsFor(key, property, (schema.required ?? []).includes(key)));
  }
  const entries = rows.map(entry).join('\n');
  const markdown = `# Configuration reference

<!-- Generated by \`npx tsx scripts/config-reference.ts\` from the zod schema in lib/config.ts; do not edit. -->

Optline is configured through the \`optline\` key of \`cdk.json\` context (or
\`--context optline='{…}'\`). Every key below is written at the top level of \`optline\`; the program
settings (brand, keywords, flows…) are grouped internally but written next to the deployment keys
(\`origination\`, \`stage\`…). \`cdk synth\` validates the whole object and fails with the offending key,
e.g. \`Invalid Optline config at "optline.quietHours.end": cannot be later than 21:00 (TCPA window)\`.
Unknown keys are refused. \`a[].b\` is key \`b\` of each item of the list \`a\`. Each entry gives the
key, its type, its default (or whether it is required) and its limits, then what it does.

${entries}
`;
  const options = await prettier.resolveConfig(CONFIG_REFERENCE_PATH);
  // Wrapped here, since the repository's Prettier preserves line breaks in prose as written.
  return prettier.format(markdown, { ...options, proseWrap: 'always', filepath: CONFIG_REFERENCE_PATH });
}

/** One key as a list item: `key` (type; default; limits): description. */
function entry(r: Row): string {
  const presence =
    r.defaultValue === 'required'
      ? 'required'
      : r.defaultValue === 'none'
        ? 'optional'
        : r.defaultValue.startsWith('`')
          ? `default ${r.defaultValue}`
          : r.defaultValue;
  const facts = [r.type, presence, r.constraints].filter((part) => part !== '').join('; ');
  const description = oneLine(r.description);
  return `- ${r.key} (${oneLine(facts)})${description === '' ? '' : `: ${description}`}`;
}

function rowsFor(key: string, schema: JsonSchema, required: boolean): Row[] {
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants && variants.every((v) => v.type === 'object' && v.properties?.kind?.const !== undefined)) {
    return discriminatedRows(key, schema, variants, required);
  }
  const rows: Row[] = [row(key, schema, required)];
  if (schema.type === 'object' && schema.properties) {
    for (const [child, property] of Object.entries(schema.properties))
      rows.push(...rowsFor(`${key}.${child}`, property, (schema.required ?? []).includes(child)));
  }
  if (schema.type === 'array' && schema.items?.type === 'object' && schema.items.properties) {
    const item = schema.items;
    for (const [child, property] of Object.entries(item.properties ?? {}))
      rows.push(...rowsFor(`${key}[].${child}`, property, (item.required ?? []).includes(child)));
  }
  return rows;
}

/** A union told apart by `kind` (origination): one row per key, marked with the kinds it belongs to. */
function discriminatedRows(
  key: string,
  schema: JsonSchema,
  variants: JsonSchema[],
  required: boolean,
): Row[] {
  const kinds = variants.map((v) => String(v.properties?.kind?.const));
  const rows: Row[] = [
    {
      ...row(key, schema, required),
      type: `object, by \`kind\`: ${kinds.map((k) => `\`${k}\``).join(' or ')}`,
    },
    {
      key: `\`${key}.kind\``,
      type: kinds.map((k) => JSON.stringify(k)).join(' or '),
      defaultValue: `required in \`${key}\``,
      constraints: '',
      description: variants
        .map((v, i) => `\`${kinds[i]}\`: ${v.properties?.kind?.description ?? ''}`)
        .join('; '),
    },
  ];
  const byKey = new Map<string, { rows: Row[]; kinds: string[] }>();
  variants.forEach((variant, i) => {
    for (const [child, property] of Object.entries(variant.properties ?? {})) {
      if (child === 'kind') continue;
      for (const childRow of rowsFor(`${key}.${child}`, property, (variant.required ?? []).includes(child))) {
        const entry = byKey.get(childRow.key) ?? { rows: [], kinds: [] };
        entry.rows.push(childRow);
        entry.kinds.push(kinds[i] as string);
        byKey.set(childRow.key, entry);
      }
    }
  });
  for (const { rows: variantRows, kinds: present } of byKey.values()) {
    const first = variantRows[0] as Row;
    const same = variantRows.every((r) => JSON.stringify(r) === JSON.stringify(first));
    if (same && present.length === kinds.length) {
      rows.push(first);
      continue;
    }
    variantRows.forEach((r, i) =>
      rows.push({ ...r, description: `(\`kind: "${present[i]}"\`) ${r.description}` }),
    );
  }
  return rows;
}

function row(key: string, schema: JsonSchema, required: boolean): Row {
  return {
    key: `\`${key}\``,
    type: typeOf(schema),
    defaultValue:
      schema.default !== undefined ? formatDefault(schema.default) : required ? 'required' : 'none',
    constraints: constraintsOf(schema),
    description: schema.description ?? programDescription(key) ?? '',
  };
}

function programDescription(key: string): string | undefined {
  if (PROGRAM_DESCRIPTIONS[key] !== undefined) return PROGRAM_DESCRIPTIONS[key];
  for (const [pattern, description] of Object.entries(PROGRAM_DESCRIPTIONS)) {
    if (!pattern.includes('*')) continue;
    const regex = new RegExp(`^${pattern.replace(/[.[\]]/g, '\\$&').replace(/\*/g, '[^.]+')}$`);
    if (regex.test(key)) return description;
  }
  return undefined;
}

function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' or ');
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants) return variants.map(typeOf).join(' or ');
  switch (schema.type) {
    case 'array':
      return `list of ${schema.items ? plural(typeOf(schema.items)) : 'values'}`;
    case 'object':
      return typeof schema.additionalProperties === 'object'
        ? `map of string to ${typeOf(schema.additionalProperties)}`
        : 'object';
    case 'string':
      return schema.format === 'uri' ? 'string (URL)' : 'string';
    default:
      return schema.type ?? 'any';
  }
}

function plural(type: string): string {
  return /^(string|number|integer|boolean|object)/.test(type) ? type.replace(/^(\w+)/, '$1s') : type;
}

function constraintsOf(schema: JsonSchema): string {
  const parts: string[] = [];
  const range = (min: number | undefined, max: number | undefined, unit: string) => {
    const units = (n: number) => (n === 1 ? unit.replace(/s$/, '') : unit);
    if (min !== undefined && max !== undefined) return `${min}–${max} ${units(max)}`;
    if (min !== undefined) return `at least ${min} ${units(min)}`;
    if (max !== undefined) return `at most ${max} ${units(max)}`;
    return undefined;
  };
  const length = range(schema.minLength, schema.maxLength, 'characters');
  if (length) parts.push(length);
  if (schema.pattern) parts.push(`matches \`${schema.pattern}\``);
  if (schema.type === 'number' || schema.type === 'integer') {
    if (schema.minimum !== undefined && schema.maximum !== undefined) {
      parts.push(`${schema.minimum}–${schema.maximum}`);
    } else {
      const bounds: string[] = [];
      if (schema.exclusiveMinimum !== undefined) bounds.push(`> ${schema.exclusiveMinimum}`);
      if (schema.minimum !== undefined) bounds.push(`≥ ${schema.minimum}`);
      if (schema.exclusiveMaximum !== undefined) bounds.push(`< ${schema.exclusiveMaximum}`);
      if (schema.maximum !== undefined) bounds.push(`≤ ${schema.maximum}`);
      if (bounds.length) parts.push(bounds.join(', '));
    }
  }
  const items = range(schema.minItems, schema.maxItems, 'items');
  if (items) parts.push(items);
  if (schema.type === 'array' && schema.items && schema.items.type !== 'object') {
    const each = constraintsOf(schema.items);
    if (each) parts.push(`each: ${each}`);
  }
  if (typeof schema.additionalProperties === 'object') {
    const keys = schema.propertyNames ? constraintsOf(schema.propertyNames) : '';
    const values = constraintsOf(schema.additionalProperties);
    if (keys) parts.push(`keys: ${keys}`);
    if (values) parts.push(`values: ${values}`);
  }
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants) {
    for (const variant of variants) {
      const own = constraintsOf(variant);
      if (own) parts.push(`${typeOf(variant)}: ${own}`);
    }
  }
  return parts.join('; ');
}

function formatDefault(value: unknown): string {
  if (Array.isArray(value) && value.some((v) => typeof v === 'object' && v !== null)) {
    return `${value.length} ${value.length === 1 ? 'entry' : 'entries'} (see the nested keys)`;
  }
  const json = JSON.stringify(value);
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && json.length > 120) {
    return 'see the nested keys';
  }
  return `\`${json}\``;
}

function oneLine(text: string): string {
  return text.replace(/\r?\n/g, ' ');
}

if (require.main === module) {
  renderConfigReference()
    .then((markdown) => {
      writeFileSync(CONFIG_REFERENCE_PATH, markdown);
      console.log(`wrote ${CONFIG_REFERENCE_PATH}`);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
