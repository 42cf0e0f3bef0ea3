/**
 * The environment contract of the functions: every environment variable a function reads, and every
 * one the platform sets for it, is named here and nowhere else (test/lib/environment-names.test.ts
 * fails on a name written anywhere else in lib/, lambdas/ or local/).
 *
 * A function's variables follow from its catalog entry (lib/catalog.ts): each table it uses brings
 * the table's name, each queue it sends to the queue's URL, sending texts the origination identity
 * and configuration set, starting flows the state machine ARNs, scheduling the schedule group and
 * role, and `reads` lists the deployment settings it needs besides. From that one list:
 * - CDK sets exactly those variables (lib/constructs/functions.ts, `environmentFor`), from values the
 *   compiler makes it supply for every key;
 * - the local runtime sets exactly those variables for each function (local/runtime.ts), so a
 *   variable the catalog forgets is as missing locally as in AWS;
 * - each handler validates them at cold start with zod (`environmentOf`) and fails naming the
 *   missing variable, and reads them typed by the same derivation.
 *
 * Plain data, zod/mini and the catalog: bundled into every function.
 */
// zod's tree-shakable API without its English messages: the errors here are written by hand.
import * as z from 'zod/mini';
import {
  functions,
  type BucketId,
  type FunctionDefinition,
  type FunctionId,
  type QueueId,
  type TableId,
} from './catalog';

/** The variable carrying each table's name. */
const TABLE_VARIABLES = {
  profiles: 'PROFILES_TABLE',
  consentLog: 'CONSENT_LOG_TABLE',
  messages: 'MESSAGES_TABLE',
  campaigns: 'CAMPAIGNS_TABLE',
  numberChanges: 'NUMBER_CHANGES_TABLE',
  links: 'LINKS_TABLE',
  activity: 'ACTIVITY_TABLE',
  ephemeral: 'EPHEMERAL_TABLE',
  imports: 'IMPORTS_TABLE',
  flowStats: 'FLOW_STATS_TABLE',
  suppressions: 'SUPPRESSIONS_TABLE',
} as const satisfies Record<TableId, string>;

/** The variable carrying each bucket's name into the functions that use it. */
const BUCKET_VARIABLES = {
  imports: 'IMPORT_BUCKET',
  downloads: 'DOWNLOAD_BUCKET',
} as const satisfies Record<BucketId, string>;

/** The variable carrying each queue's URL into the functions that send to it. */
const QUEUE_VARIABLES = {
  campaignSends: 'CAMPAIGN_QUEUE_URL',
  deliveryEvents: 'DELIVERY_EVENTS_QUEUE_URL',
} as const satisfies Record<QueueId, string>;

type Functions = typeof functions;
/** Functions EventBridge Scheduler schedules can target. */
export type ScheduleTargetId = {
  [Id in FunctionId]: Functions[Id]['trigger'] extends { kind: 'schedule' } ? Id : never;
}[FunctionId];

/**
 * The variable carrying a schedule target's ARN into the functions that schedule it (a function
 * that schedules itself reads its ARN from its invocation context: a template cannot refer to it).
 */
const SCHEDULE_TARGET_VARIABLES = {
  campaignDispatcher: 'DISPATCHER_FUNCTION_ARN',
} as const satisfies Record<ScheduleTargetId, string>;

/** Deployment settings, by key: the ones a catalog entry brings and the ones it lists in `reads`. */
const SETTING_VARIABLES = {
  eventBus: 'EVENT_BUS_NAME',
  originationIdentity: 'ORIGINATION_IDENTITY',
  originationNumber: 'ORIGINATION_NUMBER',
  configurationSet: 'CONFIGURATION_SET_NAME',
  optOutList: 'OPT_OUT_LIST_NAME',
  messagesPerSecond: 'ORIGINATION_MPS',
  mediaBucket: 'MEDIA_BUCKET',
  mms: 'ORIGINATION_MMS',
  linkBase: 'LINK_BASE_URL',
  schedulerRole: 'SCHEDULER_ROLE_ARN',
  scheduleGroup: 'SCHEDULE_GROUP',
  schedulerDeadLetterQueue: 'SCHEDULER_DLQ_ARN',
  /** The Secrets Manager secret that signs preference-page links (its ARN). */
  preferenceKey: 'PREFERENCE_KEY_SECRET_ARN',
  /** The Secrets Manager secret that keys the hash of erased numbers (its ARN). */
  privacyKey: 'PRIVACY_KEY_SECRET_ARN',
  /** The KMS asymmetric key that signs consent certificates (its ARN). */
  certificateKey: 'CERTIFICATE_KEY_ARN',
  /** The ARN of the defined flows' state machines up to their id (lib/catalog.ts, definedFlowStateMachineName). */
  definedFlowArnPrefix: 'DEFINED_FLOW_ARN_PREFIX',
  /** Rows an import writes per second at most (`imports.rowsPerSecond`, docs/import.md#pacing). */
  importRowsPerSecond: 'IMPORT_ROWS_PER_SECOND',
  /** The import state machine's ARN (lib/catalog.ts, importStateMachine). */
  importStateMachine: 'IMPORT_STATE_MACHINE_ARN',
  /**
   * A debugging switch an operator may set on a deployed function (`true`: logs keep phone
   * numbers); nothing sets it by default.
   */
  logPii: 'OPTLINE_LOG_PII',
} as const;

export type SettingKey = keyof typeof SETTING_VARIABLES;
type TableKey = `${TableId}Table`;
type BucketKey = `${BucketId}Bucket`;
type QueueKey = `${QueueId}QueueUrl`;
type ScheduleTargetKey = `${ScheduleTargetId}FunctionArn`;
/** Every value a function can find in its environment, by key. */
export type EnvironmentKey = TableKey | BucketKey | QueueKey | ScheduleTargetKey | SettingKey;

/** Settings an operator may set; the deployment does not (absent means false). */
const OPERATOR_SETTINGS = new Set<EnvironmentKey>(['logPii']);
/** The keys a deployment (CDK or the local runtime) must give a value. */
export type DeployedKey = Exclude<EnvironmentKey, 'logPii'>;

// Strings, regexes and enums only: the checks every bundle that validates anything has already.
const text = z.string().check(z.minLength(1));
const flag = z.enum(['true', 'false']);
const SCHEMAS: Partial<Record<EnvironmentKey, z.ZodMiniType>> = {
  messagesPerSecond: z.string().check(z.regex(/^(?!0+(\.0*)?$)\d+(\.\d+)?$/, 'must be a positive number')),
  importRowsPerSecond: z.string().check(z.regex(/^[1-9]\d*$/, 'must be a positive whole number')),
  mms: flag,
  linkBase: z.string().check(z.regex(/^https?:\/\/[^\s/]+/, 'must be an http(s) URL')),
  logPii: z.optional(flag),
};
/** Values that are not text, converted once valid. */
const CONVERT: Partial<Record<EnvironmentKey, (value: string | undefined) => unknown>> = {
  messagesPerSecond: Number,
  importRowsPerSecond: Number,
  mms: (value) => value === 'true',
  logPii: (value) => value === 'true',
};

type ValueOf<K extends EnvironmentKey> = K extends 'messagesPerSecond' | 'importRowsPerSecond'
  ? number
  : K extends 'mms' | 'logPii'
    ? boolean
    : string;

/** Every key with the name of its variable. */
export const VARIABLE_NAMES: Readonly<Record<EnvironmentKey, string>> = {
  ...(Object.fromEntries(Object.entries(TABLE_VARIABLES).map(([id, name]) => [`${id}Table`, name])) as Record<
    TableKey,
    string
  >),
  ...(Object.fromEntries(
    Object.entries(BUCKET_VARIABLES).map(([id, name]) => [`${id}Bucket`, name]),
  ) as Record<BucketKey, string>),
  ...(Object.fromEntries(
    Object.entries(QUEUE_VARIABLES).map(([id, name]) => [`${id}QueueUrl`, name]),
  ) as Record<QueueKey, string>),
  ...(Object.fromEntries(
    Object.entries(SCHEDULE_TARGET_VARIABLES).map(([id, name]) => [`${id}FunctionArn`, name]),
  ) as Record<ScheduleTargetKey, string>),
  ...SETTING_VARIABLES,
};

/**
 * Variables the platform sets for every function (Lambda itself, or the runtime libraries' own
 * settings), named here so that no other file writes them: CDK sets the Powertools ones, Lambda the
 * AWS ones, and the local runtime sets both the way Lambda and CDK do.
 */
export const PLATFORM_VARIABLES = {
  region: 'AWS_REGION',
  defaultRegion: 'AWS_DEFAULT_REGION',
  accessKeyId: 'AWS_ACCESS_KEY_ID',
  secretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  sessionToken: 'AWS_SESSION_TOKEN',
  functionName: 'AWS_LAMBDA_FUNCTION_NAME',
  functionMemory: 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  /** Set by Lambda only: the tracer's sign that it runs in Lambda. */
  executionEnv: 'AWS_EXECUTION_ENV',
  /** The SDK's endpoint settings: unset in AWS, the local peers locally. */
  endpointUrl: 'AWS_ENDPOINT_URL',
  dynamoDbEndpointUrl: 'AWS_ENDPOINT_URL_DYNAMODB',
  s3EndpointUrl: 'AWS_ENDPOINT_URL_S3',
  /** The X-Ray SDK's mode (lambdas/adapters/tracing-mode.ts). */
  xrayManualMode: 'AWS_XRAY_MANUAL_MODE',
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  logLevel: 'POWERTOOLS_LOG_LEVEL',
  traceEnabled: 'POWERTOOLS_TRACE_ENABLED',
  metricsDisabled: 'POWERTOOLS_METRICS_DISABLED',
  dev: 'POWERTOOLS_DEV',
} as const;

/** The Powertools settings of a function: CDK sets them, and the local runtime as CDK does. */
export function powertoolsSettings(id: FunctionId, logLevel: string): Record<string, string> {
  return {
    [PLATFORM_VARIABLES.serviceName]: `optline-${id}`,
    [PLATFORM_VARIABLES.metricsNamespace]: 'Optline',
    [PLATFORM_VARIABLES.logLevel]: logLevel,
  };
}

/**
 * The program config (lambdas/domain/runtime-config.ts), validated at synth and compiled into each
 * bundle as this variable's value (lib/bundling.ts: no 4 KB environment limit); the local runtime,
 * which runs the sources, sets it in each function's environment instead.
 */
export const PROGRAM_CONFIG_VARIABLE = 'OPTLINE_CONFIG';

/** The program config's text. Written `process.env.OPTLINE_CONFIG` so the bundler's define replaces it. */
export function programConfigText(): string | undefined {
  return process.env.OPTLINE_CONFIG;
}

/** Every name this contract owns: a function sees only its own of them, locally as in AWS. */
export const CONTRACT_NAMES: ReadonlySet<string> = /* @__PURE__ */ new Set([
  ...Object.values(VARIABLE_NAMES),
  PROGRAM_CONFIG_VARIABLE,
]);

type Definition<Id extends FunctionId> = Functions[Id];

/** The keys a function's catalog entry gives it (the type-level twin of `environmentKeys`). */
export type EnvironmentKeyOf<Id extends FunctionId> =
  | `${keyof Definition<Id>['tables'] & TableId}Table`
  | (Definition<Id> extends { buckets: infer B } ? `${keyof B & BucketId}Bucket` : never)
  | (Definition<Id> extends { sendsTo: readonly (infer Q extends QueueId)[] } ? `${Q}QueueUrl` : never)
  | (Definition<Id> extends { publishesEvents: true } ? 'eventBus' : never)
  | (Definition<Id> extends { sms: { send: true } } ? 'originationIdentity' | 'configurationSet' : never)
  | (Definition<Id> extends { sms: { optOutList: true } } ? 'optOutList' : never)
  | (Definition<Id> extends { startsFlows: true } ? 'definedFlowArnPrefix' : never)
  | (Definition<Id> extends { startsImports: true } ? 'importStateMachine' : never)
  | (Definition<Id> extends { watchesImports: true } ? 'importStateMachine' : never)
  | (Definition<Id> extends { readsMedia: true } ? 'mediaBucket' | 'mms' : never)
  | (Definition<Id> extends { preferenceLinks: true } ? 'preferenceKey' : never)
  | (Definition<Id> extends { privacyKey: true } ? 'privacyKey' : never)
  | (Definition<Id> extends { signsCertificates: true } ? 'certificateKey' : never)
  | (Definition<Id> extends { schedules: readonly (infer T extends string)[] }
      ? | 'schedulerRole'
        | 'scheduleGroup'
        | 'schedulerDeadLetterQueue'
        | `${Exclude<T, Id> & ScheduleTargetId}FunctionArn`
      : never)
  | (Definition<Id> extends { reads: readonly (infer R extends SettingKey)[] } ? R : never)
  | 'logPii';

/** A function's environment, validated and typed. */
export type FunctionEnvironment<Id extends FunctionId> = {
  readonly [K in EnvironmentKeyOf<Id>]: ValueOf<K>;
};

/** The keys a function's catalog entry gives it. */
export function environmentKeys(id: FunctionId): EnvironmentKey[] {
  const definition: FunctionDefinition = functions[id];
  const keys = new Set<EnvironmentKey>();
  for (const table of Object.keys(definition.tables) as TableId[]) keys.add(`${table}Table`);
  for (const bucket of Object.keys(definition.buckets ?? {}) as BucketId[]) keys.add(`${bucket}Bucket`);
  for (const queue of definition.sendsTo ?? []) keys.add(`${queue}QueueUrl`);
  if (definition.publishesEvents) keys.add('eventBus');
  if (definition.sms?.send) {
    keys.add('originationIdentity');
    keys.add('configurationSet');
  }
  if (definition.sms?.optOutList) keys.add('optOutList');
  if (definition.startsFlows) {
    keys.add('definedFlowArnPrefix');
  }
  if (definition.startsImports || definition.watchesImports) keys.add('importStateMachine');
  if (definition.readsMedia) {
    keys.add('mediaBucket');
    keys.add('mms');
  }
  if (definition.preferenceLinks) keys.add('preferenceKey');
  if (definition.privacyKey) keys.add('privacyKey');
  if (definition.signsCertificates) keys.add('certificateKey');
  if (definition.schedules?.length) {
    keys.add('schedulerRole');
    keys.add('scheduleGroup');
    keys.add('schedulerDeadLetterQueue');
    for (const target of definition.schedules) {
      if (!(target in SCHEDULE_TARGET_VARIABLES))
        throw new Error(`${id} schedules ${target}, which no schedule triggers`);
      if (target !== id) keys.add(`${target as ScheduleTargetId}FunctionArn`);
    }
  }
  for (const key of definition.reads ?? []) keys.add(key);
  keys.add('logPii');
  return [...keys];
}

/** The deployment's value for each key it must set: the compiler checks that none is missing. */
export type DeploymentValues = Readonly<Record<DeployedKey, string>>;

/**
 * The deployment values of one kind of resource, one key each: `{ profilesTable: …, … }` from the
 * tables, `campaignSendsQueueUrl` from the queues.
 */
export function resourceValues<Id extends string, R, S extends 'Table' | 'Bucket' | 'QueueUrl'>(
  resources: Readonly<Record<Id, R>>,
  suffix: S,
  value: (resource: R, id: Id) => string,
): Record<`${Id}${S}`, string> {
  return Object.fromEntries(
    (Object.entries(resources) as [Id, R][]).map(([id, resource]) => [`${id}${suffix}`, value(resource, id)]),
  ) as Record<`${Id}${S}`, string>;
}

/** A function's environment variables (name → value), exactly the ones its catalog entry gives it. */
export function environmentFor(id: FunctionId, values: DeploymentValues): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const key of environmentKeys(id)) {
    if (OPERATOR_SETTINGS.has(key)) continue;
    environment[VARIABLE_NAMES[key]] = values[key as DeployedKey];
  }
  return environment;
}

/** A missing or invalid environment variable, found at cold start. */
export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
}

/** Validates a function's environment (zod) and returns it by key; throws naming what is wrong. */
export function readEnvironment<Id extends FunctionId>(
  id: Id,
  env: Readonly<Record<string, string | undefined>> = process.env,
): FunctionEnvironment<Id> {
  const keys = environmentKeys(id);
  const schema = z.object(Object.fromEntries(keys.map((key) => [VARIABLE_NAMES[key], SCHEMAS[key] ?? text])));
  const result = schema.safeParse(
    Object.fromEntries(keys.map((key) => [VARIABLE_NAMES[key], env[VARIABLE_NAMES[key]]])),
  );
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return env[name] === undefined || env[name] === ''
        ? `${name} is not set`
        : `${name} is invalid (${issue.message})`;
    });
    throw new EnvironmentError(`Environment of ${id}: ${problems.join('; ')}`);
  }
  const values = result.data as Record<string, string | undefined>;
  return Object.fromEntries(
    keys.map((key) => {
      const value = values[VARIABLE_NAMES[key]];
      return [key, CONVERT[key]?.(value) ?? value];
    }),
  ) as unknown as FunctionEnvironment<Id>;
}

/**
 * The handler's environment, validated once per execution environment (its first invocation: the
 * cold start) and kept; a handler calls the returned function wherever it needs a value.
 */
export function environmentOf<Id extends FunctionId>(id: Id): () => FunctionEnvironment<Id> {
  let environment: FunctionEnvironment<Id> | undefined;
  return () => (environment ??= readEnvironment(id));
}
