/**
 * Message bodies are Liquid templates (liquidjs) over the profile and the triggering event:
 * `{{ first_name | default: "there" }}`, `{{ event.cart_url }}`. A template is checked when the
 * config is validated, not at send time: it must parse, and every variable it prints must either be
 * one the flow always provides or carry a `default` filter. Variables in tags (`{% if coupon %}`) may
 * be missing: Liquid reads a missing variable as empty, so a condition on it is simply false.
 */
import { Liquid } from 'liquidjs';
import type { PropertyValue } from './profile';
import { withVariableNames } from './variable-names';

const engine = new Liquid({ strictFilters: true, strictVariables: false, ownPropertyOnly: true });

/** Variables every template may print without a default. */
export const ALWAYS_PROVIDED = [
  'brand',
  'program_name',
  'support_contact',
  'profile.phone',
  // The recipient's preference page (docs/preferences.md): campaigns and flows make one per text.
  'preferences_url',
] as const;

export interface TemplateContext {
  readonly brand: string;
  readonly program_name: string;
  readonly support_contact: string;
  readonly profile: { readonly phone: string; readonly properties: Readonly<Record<string, PropertyValue>> };
  /** The triggering event's detail (cart, product…), with snake_case keys at every depth. */
  readonly event?: Readonly<Record<string, unknown>>;
  /** Profile properties are also readable at the top level (`first_name`). */
  readonly [property: string]: unknown;
}

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/**
 * Problems with a template; empty when it is valid. `provided` lists the dotted variables the flow
 * always supplies (e.g. `event.cart_url`, `event.items.*.name`: `*` is any element of a list);
 * anything else printed needs a `default` filter, including the fields of a list's elements printed
 * in a `for` loop (`{% for item in event.items %}{{ item.image_url }}`). `trigger` names the event
 * that starts the flow, for the message.
 */
export function templateProblems(
  source: string,
  provided: readonly string[] = [],
  trigger?: string,
): string[] {
  let parsed;
  try {
    parsed = engine.parse(source);
  } catch (error) {
    return [`does not parse: ${(error as Error).message.split('\n')[0]}`];
  }
  const patterns = [...ALWAYS_PROVIDED, ...provided].map((p) => p.split('.'));
  const lines = source.split('\n');
  const problems: string[] = [];
  const analysis = engine.analyzeSync(parsed);
  const check = (written: string, path: readonly string[], row: number, col: number) => {
    if (isProvided(path, patterns)) return;
    const output = enclosingOutput(lines, row, col);
    if (output === undefined) return; // inside a tag: a missing value is just false/empty
    if (/\|\s*default\s*:/.test(output)) return;
    const carrier = trigger && path[0] === 'event' ? ` not every ${trigger} event carries it;` : '';
    problems.push(
      `{{ ${written} }} may be missing:${carrier} add a default, e.g. {{ ${written} | default: "…" }}`,
    );
  };
  const globalAt = new Set<string>();
  for (const [, occurrences] of Object.entries(analysis.globals)) {
    for (const occurrence of occurrences) {
      const path = occurrence.segments.map(String);
      globalAt.add(`${occurrence.location.row}:${occurrence.location.col}`);
      check(path.join('.'), path, occurrence.location.row, occurrence.location.col);
    }
  }
  // A loop variable stands for an element of its list: `item.name` is `event.items.*.name`.
  for (const [variable, lists] of loopLists(parsed)) {
    if (lists.some((list) => list === undefined)) continue; // a range or a literal: nothing to check
    for (const occurrence of analysis.variables[variable] ?? []) {
      const { row, col } = occurrence.location;
      if (globalAt.has(`${row}:${col}`)) continue;
      const rest = occurrence.segments.slice(1).map(String);
      for (const list of lists as (readonly string[])[])
        check(occurrence.segments.map(String).join('.'), [...list, '*', ...rest], row, col);
    }
  }
  return [...new Set(problems)];
}

/**
 * Whether a printed path is always there: it leads to a provided variable (`event.items` to
 * `event.items.*.name`), is one, or goes on from one that has nothing provided under it
 * (`event.cart_url.size`). `*` in a pattern matches any segment; a `*` in the path (a loop's
 * element) only a `*`.
 */
function isProvided(path: readonly string[], patterns: readonly (readonly string[])[]): boolean {
  const matches = (pattern: readonly string[], length: number) =>
    pattern.slice(0, length).every((p, i) => p === '*' || p === path[i]);
  const isLeaf = (pattern: readonly string[]) =>
    !patterns.some((other) => other.length > pattern.length && matches2(other, pattern));
  return patterns.some(
    (pattern) =>
      (path.length <= pattern.length && matches(pattern, path.length)) ||
      (path.length > pattern.length && matches(pattern, pattern.length) && isLeaf(pattern)),
  );
}

/** Whether `longer` starts with `prefix`, segment by segment. */
function matches2(longer: readonly string[], prefix: readonly string[]): boolean {
  return prefix.every((p, i) => p === longer[i]);
}

interface TemplateNode {
  readonly name?: string;
  readonly variable?: string;
  readonly collection?: { getText(): string };
  readonly templates?: readonly TemplateNode[];
  readonly elseTemplates?: readonly TemplateNode[];
  readonly branches?: readonly { readonly templates?: readonly TemplateNode[] }[];
}

/** Each `for` (and `tablerow`) variable with the path of the list it walks (undefined: not a path). */
function loopLists(templates: readonly unknown[]): Map<string, (readonly string[] | undefined)[]> {
  const lists = new Map<string, (readonly string[] | undefined)[]>();
  const visit = (nodes: readonly TemplateNode[] | undefined) => {
    for (const node of nodes ?? []) {
      if ((node.name === 'for' || node.name === 'tablerow') && node.variable) {
        const list = listPath(node.collection?.getText() ?? '', lists);
        lists.set(node.variable, [...(lists.get(node.variable) ?? []), list]);
      }
      visit(node.templates);
      visit(node.elseTemplates);
      for (const branch of node.branches ?? []) visit(branch.templates);
    }
  };
  visit(templates as readonly TemplateNode[]);
  return lists;
}

/** `event.items`, `event["items"]`, `item.options` (inside a loop over items) as path segments. */
function listPath(
  text: string,
  loops: ReadonlyMap<string, readonly (readonly string[] | undefined)[]>,
): readonly string[] | undefined {
  if (!/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*|\[\d+\]|\["[^"]*"\]|\['[^']*'\])*$/.test(text.trim()))
    return undefined;
  const segments = [...text.trim().matchAll(/[A-Za-z_][\w-]*|\[(\d+)\]|\["([^"]*)"\]|\['([^']*)'\]/g)].map(
    (m) => m[1] ?? m[2] ?? m[3] ?? m[0],
  );
  const [head, ...rest] = segments;
  const outer = head === undefined ? undefined : loops.get(head);
  if (!outer) return segments;
  const [only] = outer;
  return outer.length === 1 && only ? [...only, '*', ...rest] : undefined;
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
  links: { readonly preferencesUrl?: string } = {},
): TemplateContext {
  return {
    ...profile.properties,
    preferences_url: links.preferencesUrl ?? '',
    brand: program.brand,
    program_name: program.programName ?? `${program.brand} Texts`,
    support_contact: program.supportContact,
    profile: { phone: profile.phone, properties: profile.properties },
    ...(event ? { event: withVariableNames(event) as Readonly<Record<string, unknown>> } : {}),
  };
}
