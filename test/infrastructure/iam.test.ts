/**
 * Least privilege, read off the synthesized template: every policy statement of every principal
 * (role policies, inline policies, managed policies and resource policies alike).
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import { beforeAll, describe, expect, it } from 'vitest';
import { functions, type FunctionDefinition } from '../../lib/catalog';
import { resourcesOfType, sharedSynthesis } from '../support/template';

interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: unknown;
  readonly Principal?: unknown;
}

interface LocatedStatement {
  /** Logical id of the resource that holds the statement. */
  readonly holder: string;
  readonly statement: Statement;
}

/** Every statement in the template, with the resource that holds it. */
function allStatements(template: Template): LocatedStatement[] {
  const documents: [string, unknown][] = [];
  for (const [id, policy] of resourcesOfType(template, 'AWS::IAM::Policy'))
    documents.push([id, policy.Properties?.PolicyDocument]);
  for (const [id, policy] of resourcesOfType(template, 'AWS::IAM::ManagedPolicy'))
    documents.push([id, policy.Properties?.PolicyDocument]);
  for (const [id, role] of resourcesOfType(template, 'AWS::IAM::Role')) {
    for (const inline of (role.Properties?.Policies ?? []) as { PolicyDocument: unknown }[])
      documents.push([id, inline.PolicyDocument]);
  }
  for (const type of ['AWS::SQS::QueuePolicy', 'AWS::SNS::TopicPolicy', 'AWS::S3::BucketPolicy']) {
    for (const [id, policy] of resourcesOfType(template, type))
      documents.push([id, policy.Properties?.PolicyDocument]);
  }
  for (const [id, key] of resourcesOfType(template, 'AWS::KMS::Key'))
    documents.push([id, key.Properties?.KeyPolicy]);
  return documents.flatMap(([holder, document]) =>
    ((document as { Statement?: Statement[] } | undefined)?.Statement ?? []).map((statement) => ({
      holder,
      statement,
    })),
  );
}

const actionsOf = (s: Statement): string[] => [s.Action ?? []].flat();
const resourcesOf = (s: Statement): unknown[] => [s.Resource ?? []].flat();
/** A resource as cdk-nag shows it: `<LogicalId.Arn>/index/byPhone`. */
const render = (resource: unknown): string => flattenCfnReference(resource);

/** Services whose permissions must name their resources: no `*` action, no `*` resource. */
const SCOPED_SERVICES = ['dynamodb', 'sns', 'sqs', 'states', 'scheduler', 'sms-voice', 'secretsmanager'];

/**
 * Wildcards that still name exactly one resource, and why they cannot be narrower:
 * - `execution:<state machine name>:*`: executions of one state machine; execution names are derived
 *   from events at run time (StopExecution, DescribeExecution).
 * - `schedule/<group>/*`: schedules in Optline's own schedule group; each campaign's schedule is
 *   named when the campaign is created.
 * - `table/<name>/index/*`: the indexes of one table (CDK's table grants); Optline grants indexes by
 *   name today, the pattern stays acceptable.
 */
const ONE_RESOURCE_PATTERNS = [
  /:execution:<[A-Za-z0-9]+\.Name>:\*$/,
  // The import machine's own executions and its Distributed Map's child executions, by its name.
  /:execution:optline-[a-z0-9-]+-import[/:]\*$/,
  /:schedule\/[a-z][a-z0-9-]*\/\*$/,
  /^<[A-Za-z0-9]+\.Arn>\/index\/\*$/,
];

describe('IAM least privilege', () => {
  let template: Template;
  let statements: LocatedStatement[];

  beforeAll(async () => {
    ({ template } = await sharedSynthesis());
    statements = allStatements(template).filter((s) => s.statement.Effect === 'Allow');
  }, 300_000);

  const scoped = () =>
    statements.flatMap(({ holder, statement }) =>
      actionsOf(statement)
        .filter((action) => action === '*' || SCOPED_SERVICES.includes(action.split(':')[0] ?? ''))
        .map((action) => ({ holder, action, statement })),
    );

  it('finds the statements it checks', () => {
    const services = new Set(scoped().map(({ action }) => action.split(':')[0]));
    expect([...services].sort()).toEqual([...SCOPED_SERVICES].sort());
  });

  it('never allows a wildcard action on DynamoDB, SNS, SQS, Step Functions, Scheduler, End User Messaging or Secrets Manager', () => {
    const wildcards = scoped()
      .filter(({ action }) => action.includes('*'))
      .map(({ holder, action }) => `${holder}: ${action}`);
    expect(wildcards).toEqual([]);
    expect(statements.filter(({ statement }) => statement.NotAction !== undefined)).toEqual([]);
  });

  it('never allows them on every resource', () => {
    const open = scoped()
      .filter(
        ({ statement }) => resourcesOf(statement).some((r) => r === '*') || statement.Resource === undefined,
      )
      .map(({ holder, action }) => `${holder}: ${action} on *`);
    expect(open).toEqual([]);
  });

  it('accepts a wildcard inside a resource only where it stays within one named resource', () => {
    const broad = scoped()
      .flatMap(({ holder, action, statement }) =>
        resourcesOf(statement)
          .map(render)
          .filter((r) => r.includes('*') && !ONE_RESOURCE_PATTERNS.some((p) => p.test(r)))
          .map((r) => `${holder}: ${action} on ${r}`),
      )
      .filter((line, i, all) => all.indexOf(line) === i);
    expect(broad).toEqual([]);
  });
});

describe('the consent log is append-only', () => {
  let template: Template;
  let statements: LocatedStatement[];
  let consentLogId: string;

  beforeAll(async () => {
    ({ template } = await sharedSynthesis());
    statements = allStatements(template).filter((s) => s.statement.Effect === 'Allow');
    const ids = resourcesOfType(template, 'AWS::DynamoDB::Table')
      .map(([id]) => id)
      .filter((id) => id.startsWith('DataConsentLog'));
    expect(ids).toHaveLength(1);
    consentLogId = ids[0] as string;
  }, 300_000);

  /** Statements whose resources include the consent log (by reference, or by a pattern that could). */
  const onConsentLog = () =>
    statements.filter(({ statement }) =>
      resourcesOf(statement).some((resource) => {
        const flat = render(resource);
        return flat.includes(`<${consentLogId}.`) || flat === '*' || /:table\/\*/.test(flat);
      }),
    );
  const allows = (pattern: string, action: string) =>
    new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(action);

  it('lets no principal update, delete or batch-write consent events', () => {
    const forbidden = [
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:PartiQLUpdate',
      'dynamodb:PartiQLDelete',
    ];
    const granted = onConsentLog().flatMap(({ holder, statement }) =>
      actionsOf(statement).flatMap((pattern) =>
        forbidden.filter((action) => allows(pattern, action)).map((action) => `${holder}: ${action}`),
      ),
    );
    expect(granted).toEqual([]);
    const [[, table] = []] = resourcesOfType(template, 'AWS::DynamoDB::Table').filter(
      ([id]) => id === consentLogId,
    );
    expect(table?.Properties?.ResourcePolicy).toBeUndefined();
  });

  it('lets exactly the appending functions put events, and the export schedule read it', () => {
    const putters = onConsentLog()
      .filter(({ statement }) => actionsOf(statement).includes('dynamodb:PutItem'))
      .map(({ holder }) => holder)
      .sort();
    const appenders = (Object.entries(functions) as [string, FunctionDefinition][])
      .filter(([, d]) => d.tables.consentLog === 'append')
      .map(([id]) => `Functions${id.charAt(0).toUpperCase()}${id.slice(1)}Role`);
    expect(putters).toHaveLength(appenders.length);
    for (const appender of appenders) expect(putters.some((p) => p.startsWith(appender))).toBe(true);
    expect(
      onConsentLog().some(({ statement }) =>
        actionsOf(statement).includes('dynamodb:ExportTableToPointInTime'),
      ),
    ).toBe(true);
  });
});

describe('the profiles API reads a number’s messages', () => {
  let statements: LocatedStatement[];
  let messagesId: string;

  beforeAll(async () => {
    const { template } = await sharedSynthesis();
    statements = allStatements(template).filter(
      (s) => s.statement.Effect === 'Allow' && s.holder.startsWith('FunctionsProfilesApiRole'),
    );
    const ids = resourcesOfType(template, 'AWS::DynamoDB::Table')
      .map(([id]) => id)
      .filter((id) => id.startsWith('DataMessages'));
    expect(ids).toHaveLength(1);
    messagesId = ids[0] as string;
  }, 300_000);

  const onMessages = () =>
    statements.filter(({ statement }) =>
      resourcesOf(statement).some((resource) => render(resource).includes(`<${messagesId}.`)),
    );

  it('may query the byPhone index and get the records it names', () => {
    const granted = onMessages();
    const actions = new Set(granted.flatMap(({ statement }) => actionsOf(statement)));
    for (const action of ['dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:GetItem'])
      expect(actions).toContain(action);
    const resources = granted.flatMap(({ statement }) => resourcesOf(statement).map(render));
    expect(resources).toContain(`<${messagesId}.Arn>`);
    expect(resources).toContain(`<${messagesId}.Arn>/index/byPhone`);
  });

  it('may not write to it', () => {
    const writes = onMessages().flatMap(({ statement }) =>
      actionsOf(statement).filter((action) =>
        /^dynamodb:(Put|Update|Delete|BatchWrite|PartiQL(Insert|Update|Delete))/.test(action),
      ),
    );
    expect(writes).toEqual([]);
  });
});
