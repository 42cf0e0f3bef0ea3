/**
 * The functions' IAM policies as the synthesized CloudFormation template writes them, evaluated
 * against the local runtime's resources: a function may make a call only when a statement of its
 * role's policies allows the action on the resource (and none denies it), as IAM decides for a
 * role's identity-based policies.
 *
 * How the template is read:
 * - each function is the `AWS::Lambda::Function` whose metadata names it (`optline:resource`,
 *   lib/catalog.ts `resourceIds`); its statements are those of every `AWS::IAM::Policy` attached to
 *   its role, and the role's inline policies;
 * - a resource in a statement is resolved to a local ARN: `Ref` and `Fn::GetAtt` of a resource the
 *   template names (its tables, queues, bus, flows, End User Messaging resources, schedule group and
 *   role) become that resource's local name or ARN, pseudo parameters the local account and Region,
 *   and `Fn::Join`, `Fn::Sub`, `Fn::Select` and `Fn::Split` are applied. A resource that cannot be
 *   resolved (the KMS key, log groups, the media bucket: services the local runtime does not serve)
 *   matches nothing;
 * - actions and resources match with IAM's wildcards (`*`, `?`; actions case-insensitively), an
 *   explicit `Deny` wins, and a statement with a `Condition` allows nothing (no function's policy has
 *   one: they would need their context keys).
 *
 * Plain data in and out: the DynamoDB thread evaluates the same policies (local/dynamo-thread.ts).
 */

/** A CloudFormation template, as far as it is read here. */
export interface CfnTemplate {
  readonly Resources: Readonly<Record<string, CfnResource>>;
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
  readonly Metadata?: Readonly<Record<string, unknown>>;
}

interface CfnStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Condition?: unknown;
}

/** A statement with its resources resolved to local ARNs (`null`: could not be resolved). */
export interface LocalStatement {
  readonly effect: 'Allow' | 'Deny';
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  readonly resources?: readonly (string | null)[];
  readonly notResources?: readonly (string | null)[];
  readonly conditional?: boolean;
}

/** Each function's statements, by catalog id. */
export type LocalPolicies = Readonly<Record<string, readonly LocalStatement[]>>;

/** A local resource's attributes, by the names `Ref` and `Fn::GetAtt` use (`Ref`, `Arn`, `Name`…). */
export type LocalAttributes = Readonly<Record<string, string>>;

export interface LocalContext {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly urlSuffix: string;
  /** Local resources by their catalog name (`table/profiles`, `event-bus`…). */
  readonly resources: Readonly<Record<string, LocalAttributes>>;
}

/** The metadata key that carries a resource's catalog name (lib/catalog.ts). */
const METADATA_KEY = 'optline:resource';

/** Each function's statements in the template, resolved against the local resources. */
export function localPolicies(template: CfnTemplate, context: LocalContext): LocalPolicies {
  const resources = template.Resources;
  const nameOf = (logicalId: string): string | undefined => {
    const name = resources[logicalId]?.Metadata?.[METADATA_KEY];
    return typeof name === 'string' ? name : undefined;
  };
  const policies: Record<string, LocalStatement[]> = {};
  for (const [logicalId, resource] of Object.entries(resources)) {
    const name = nameOf(logicalId);
    if (resource.Type !== 'AWS::Lambda::Function' || !name?.startsWith('function/')) continue;
    const role = referencedId(resource.Properties?.Role);
    if (!role) throw new Error(`${logicalId}: its role is not a resource of the template`);
    const documents: unknown[] = [];
    for (const policy of Object.values(resources)) {
      if (policy.Type !== 'AWS::IAM::Policy') continue;
      const roles = (policy.Properties?.Roles ?? []) as unknown[];
      if (roles.some((r) => referencedId(r) === role)) documents.push(policy.Properties?.PolicyDocument);
    }
    for (const inline of (resources[role]?.Properties?.Policies ?? []) as { PolicyDocument?: unknown }[])
      documents.push(inline.PolicyDocument);
    const resolve = (value: unknown) => resolveValue(value, context, nameOf);
    policies[name.slice('function/'.length)] = documents.flatMap((document) =>
      statementsOf(document).map((statement) => ({
        effect: statement.Effect,
        ...(statement.Action !== undefined ? { actions: [statement.Action].flat() } : {}),
        ...(statement.NotAction !== undefined ? { notActions: [statement.NotAction].flat() } : {}),
        ...(statement.Resource !== undefined ? { resources: [statement.Resource].flat().map(resolve) } : {}),
        ...(statement.NotResource !== undefined
          ? { notResources: [statement.NotResource].flat().map(resolve) }
          : {}),
        ...(statement.Condition !== undefined ? { conditional: true } : {}),
      })),
    );
  }
  return policies;
}

function statementsOf(document: unknown): CfnStatement[] {
  const statements = (document as { Statement?: CfnStatement | CfnStatement[] } | undefined)?.Statement;
  return statements === undefined ? [] : [statements].flat();
}

/** The logical id a `Ref` or `Fn::GetAtt` refers to. */
function referencedId(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const ref = (value as { Ref?: unknown }).Ref;
    if (typeof ref === 'string') return ref;
    const getAtt = (value as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  }
  return undefined;
}

/** A template value as a local string, or null when it names something the local runtime lacks. */
function resolveValue(
  value: unknown,
  context: LocalContext,
  nameOf: (logicalId: string) => string | undefined,
): string | null {
  const attribute = (logicalId: string, name: string): string | null => {
    const pseudo: Record<string, string> = {
      'AWS::Partition': context.partition,
      'AWS::Region': context.region,
      'AWS::AccountId': context.account,
      'AWS::URLSuffix': context.urlSuffix,
    };
    if (name === 'Ref' && pseudo[logicalId] !== undefined) return pseudo[logicalId] ?? null;
    const resource = nameOf(logicalId);
    return (resource !== undefined ? context.resources[resource]?.[name] : undefined) ?? null;
  };
  const resolve = (v: unknown): string | null | string[] => {
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) {
      const items = v.map(resolve);
      return items.some((item) => item === null || Array.isArray(item)) ? null : (items as string[]);
    }
    if (!v || typeof v !== 'object') return null;
    const [[fn, args] = []] = Object.entries(v as Record<string, unknown>);
    switch (fn) {
      case 'Ref':
        return typeof args === 'string' ? attribute(args, 'Ref') : null;
      case 'Fn::GetAtt': {
        const [id, name] = (Array.isArray(args) ? args : String(args).split('.')) as string[];
        return id && name ? attribute(id, name) : null;
      }
      case 'Fn::Join': {
        const [separator, parts] = args as [string, unknown[]];
        const resolved = parts.map(resolve);
        return resolved.some((part) => part === null || Array.isArray(part))
          ? null
          : (resolved as string[]).join(separator);
      }
      case 'Fn::Split': {
        const [separator, source] = args as [string, unknown];
        const text = resolve(source);
        return typeof text === 'string' ? text.split(separator) : null;
      }
      case 'Fn::Select': {
        const [index, list] = args as [unknown, unknown];
        const items = resolve(list);
        return Array.isArray(items) ? (items[Number(resolve(index))] ?? null) : null;
      }
      case 'Fn::Sub': {
        const [text, variables = {}] = (typeof args === 'string' ? [args] : args) as [
          string,
          Record<string, unknown>?,
        ];
        let failed = false;
        const out = text.replace(/\$\{([^}!]+)\}/g, (_match, name: string) => {
          const given = variables[name];
          const [id = '', attr] = name.split('.');
          const value = given !== undefined ? resolve(given) : attribute(id, attr ?? 'Ref');
          if (typeof value !== 'string') failed = true;
          return typeof value === 'string' ? value : '';
        });
        return failed ? null : out;
      }
      default:
        return null;
    }
  };
  const result = resolve(value);
  return typeof result === 'string' ? result : null;
}

const patterns = new Map<string, RegExp>();
function matches(pattern: string, value: string, ignoreCase: boolean): boolean {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let regex = patterns.get(key);
  if (!regex) {
    const source = pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    regex = new RegExp(`^${source}$`, ignoreCase ? 'i' : '');
    patterns.set(key, regex);
  }
  return regex.test(value);
}

function applies(statement: LocalStatement, action: string, resource: string): boolean {
  if (statement.conditional) return false;
  const actionMatches = statement.actions
    ? statement.actions.some((pattern) => matches(pattern, action, true))
    : !(statement.notActions ?? []).some((pattern) => matches(pattern, action, true));
  if (!actionMatches) return false;
  const matchesResource = (pattern: string | null) => pattern !== null && matches(pattern, resource, false);
  return statement.resources
    ? statement.resources.some(matchesResource)
    : !(statement.notResources ?? []).some(matchesResource);
}

/** IAM's decision for one action on one resource: allowed only if a statement allows it and none denies it. */
export function isAllowed(statements: readonly LocalStatement[], action: string, resource: string): boolean {
  let allowed = false;
  for (const statement of statements) {
    if (!applies(statement, action, resource)) continue;
    if (statement.effect === 'Deny') return false;
    allowed = true;
  }
  return allowed;
}
