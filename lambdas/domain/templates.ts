/**
 * Message bodies are Liquid templates (liquidjs) over the profile and the triggering event:
 * `{{ first_name | default: "there" }}`, `{{ event.cart_url }}`. A template is checked when the
 * config is validated, not at send time: it must parse, and every variable it prints must either be
 * one the flow always provides or carry a `default` filter. Variables in tags (`{% if coupon %}`) may
 * be missing: Liquid reads a missing variable as empty, so a condition on it is simply false.
 */
import { Liquid } from 'liquidjs';
import type { PropertyValue } from './profile';

const engine = new Liquid({ strictFilters: true, strictVariables: false, ownPropertyOnly: true });

/** Variables every template may print without a default. */
export const ALWAYS_PROVIDED = ['brand', 'program_name', 'support_contact', 'profile.phone'] as const;

export interface TemplateContext {
  readonly brand: string;
  readonly program_name: string;
  readonly support_contact: string;
  readonly profile: { readonly phone: string; readonly properties: Readonly<Record<string, PropertyValue>> };
  /** The triggering event's detail (cart, product…), with snake_case keys. */
  readonly event?: Readonly<Record<string, unknown>>;
  /** Profile properties are also readable at the top level (`first_name`). */
  readonly [property: string]: unknown;
}

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/**
 * Problems with a template; empty when it is valid. `provided` lists the dotted variables the flow
 * always supplies (e.g. `event.cart_url`); anything else printed needs a `default` filter.
 */
export function templateProblems(source: string, provided: readonly string[] = []): string[] {
  let parsed;
  try {
    parsed = engine.parse(source);
  } catch (error) {
    return [`does not parse: ${(error as Error).message.split('\n')[0]}`];
  }
  const known = new Set<string>([...ALWAYS_PROVIDED, ...provided]);
  const lines = source.split('\n');
  const problems: string[] = [];
  const analysis = engine.analyzeSync(parsed);
  for (const [, occurrences] of Object.entries(analysis.globals)) {
    for (const occurrence of occurrences) {
      const path = occurrence.segments.map(String).join('.');
      if (known.has(path) || [...known].some((k) => path.startsWith(`${k}.`))) continue;
      const output = enclosingOutput(lines, occurrence.location.row, occurrence.location.col);
      if (output === undefined) continue; // inside a tag: a missing value is just false/empty
      if (!/\|\s*default\s*:/.test(output))
        problems.push(`{{ ${path} }} may be missing: add a default, e.g. {{ ${path} | default: "…" }}`);
    }
  }
  return [...new Set(problems)];
}

/** The `{{ … }}` output that contains the position, or undefined when it is inside a `{% … %}` tag. */
function enclosingOutput(lines: readonly string[], row: number, col: number): string | undefined {
  const before =
    lines.slice(0, row - 1).join('\n') + (row > 1 ? '\n' : '') + (lines[row - 1] ?? '').slice(0, col - 1);
  const after = lines
    .slice(row - 1)
    .join('\n')
    .slice(col - 1);
  const open = before.lastIndexOf('{{');
  const openTag = before.lastIndexOf('{%');
  if (open === -1 || openTag > open) return undefined;
  const close = after.indexOf('}}');
  return close === -1 ? undefined : before.slice(open) + after.slice(0, close + 2);
}

/**
 * Parsed templates by source: a campaign renders one body for every recipient, and parsing it again
 * each time cost more than rendering it. Bounded: the oldest entry goes when it is full.
 */
const parsed = new Map<string, ReturnType<Liquid['parse']>>();
const PARSED_LIMIT = 100;

function parsedTemplate(source: string): ReturnType<Liquid['parse']> {
  let template = parsed.get(source);
  if (!template) {
    template = engine.parse(source);
    if (parsed.size >= PARSED_LIMIT) parsed.delete(parsed.keys().next().value as string);
    parsed.set(source, template);
  }
  return template;
}

export function renderTemplate(source: string, context: TemplateContext): string {
  try {
    return (engine.renderSync(parsedTemplate(source), context) as string).replace(/[ \t]+\n/g, '\n').trim();
  } catch (error) {
    throw new TemplateError(`template failed to render: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** The context a template sees: program facts, the profile (properties also at the top level), the event. */
export function templateContext(
  program: { brand: string; programName?: string; supportContact: string },
  profile: { phone: string; properties: Readonly<Record<string, PropertyValue>> },
  event?: Readonly<Record<string, unknown>>,
): TemplateContext {
  return {
    ...profile.properties,
    brand: program.brand,
    program_name: program.programName ?? `${program.brand} Texts`,
    support_contact: program.supportContact,
    profile: { phone: profile.phone, properties: profile.properties },
    ...(event ? { event: snakeCase(event) } : {}),
  };
}

function snakeCase(value: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    out[snake] =
      v !== null && typeof v === 'object' && !Array.isArray(v) ? snakeCase(v as Record<string, unknown>) : v;
  }
  return out;
}
