/**
 * The typed deployment config. It is read from the `optline` key of `cdk.json` context (or
 * `--context optline=<json>`), validated with zod, and completed with defaults. The same validated
 * object is used by CDK, by the Lambdas (as `OPTLINE_CONFIG`, baked into each bundle) and by the local
 * runtime, so a value means the same thing everywhere.
 */
import * as z from 'zod';
import { RuntimeConfigSchema } from '../lambdas/domain/runtime-config';

export { RuntimeConfigSchema };
export type { RuntimeConfig } from '../lambdas/domain/runtime-config';

/** Number types End User Messaging can provision through `AWS::SMSVOICE::PhoneNumber`. */
export const PROVISIONABLE_NUMBER_TYPES = ['SIMULATOR', 'TOLL_FREE', 'TEN_DLC', 'LONG_CODE'] as const;

const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +12065550100');
const countryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as US');

const ProvisionedOrigination = z
  .object({
    /** Provision a new number in this stack. */
    kind: z.literal('provision'),
    isoCountryCode: countryCode.default('US'),
    /** `SIMULATOR` numbers work in a sandbox account and only text simulator destinations. */
    numberType: z.enum(PROVISIONABLE_NUMBER_TYPES).default('SIMULATOR'),
    /** Ask for MMS capability too (the welcome contact card is sent as MMS when true). */
    mms: z.boolean().default(false),
    /** Messages per second the number is allowed; the campaign sender paces to it. */
    messagesPerSecond: z.number().positive().max(10_000).default(1),
  })
  .strict();

const ExistingOrigination = z
  .object({
    /** Use a phone number or pool that already exists in the account (a registered 10DLC or short code). */
    kind: z.literal('existing'),
    /** ARN of the phone number or pool used as origination identity. */
    originationIdentityArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:sms-voice:[a-z0-9-]+:\d{12}:(phone-number|pool)\/[A-Za-z0-9_-]+$/,
        'must be an sms-voice phone-number or pool ARN',
      ),
    /** The number subscribers text, in E.164 (shown in messages and the local simulator). */
    phoneNumber: e164,
    isoCountryCode: countryCode.default('US'),
    mms: z.boolean().default(false),
    messagesPerSecond: z.number().positive().max(10_000).default(1),
    /** Name of the opt-out list already associated with the identity. */
    optOutListName: z.string().min(1).max(64).optional(),
  })
  .strict();

export const OriginationSchema = z.discriminatedUnion('kind', [ProvisionedOrigination, ExistingOrigination]);
export type Origination = z.infer<typeof OriginationSchema>;

export const DeploymentConfigSchema = z
  .object({
    /** Everything the Lambdas need at run time (brand, keywords, quiet hours…). */
    program: RuntimeConfigSchema,
    origination: OriginationSchema.default({
      kind: 'provision',
      isoCountryCode: 'US',
      numberType: 'SIMULATOR',
      mms: false,
      messagesPerSecond: 1,
    }),
    /** Environment name, used in resource names and to relax retention for throwaway stacks. */
    stage: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,15}$/)
      .default('prod'),
    /** Monthly End User Messaging spend alarm threshold in USD. */
    monthlySpendLimitUsd: z.number().positive().default(100),
  })
  .strict();

export type DeploymentConfig = z.infer<typeof DeploymentConfigSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`Invalid Optline config at "${field}": ${message}`);
  }
}

/**
 * Validates raw config (from cdk.json context) and fills in defaults. The program's allowed
 * countries default to the origination number's country.
 */
export function parseDeploymentConfig(raw: unknown): DeploymentConfig {
  const input = flattenProgram(raw);
  const result = DeploymentConfigSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    // Program settings are written at the top level of `optline`; report them where the user wrote them.
    const path = (issue?.path ?? []).map(String);
    const field = ['optline', ...(path[0] === 'program' ? path.slice(1) : path)].join('.');
    throw new ConfigError(field, issue?.message ?? 'invalid value');
  }
  const config = result.data;
  if (!config.program.allowedCountries) {
    config.program.allowedCountries = [config.origination.isoCountryCode];
  }
  return config;
}

/**
 * Users write the program settings at the top level of the `optline` context key (brand, keywords…)
 * next to `origination`; internally they are grouped under `program`.
 */
function flattenProgram(raw: unknown): unknown {
  if (raw === undefined || raw === null) {
    throw new ConfigError('optline', 'missing: set at least optline.brand in cdk.json context');
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError('optline', 'must be an object');
  }
  const { origination, stage, monthlySpendLimitUsd, ...program } = raw as Record<string, unknown>;
  return { origination, stage, monthlySpendLimitUsd, program };
}

/** Reads the `optline` context value, accepting a JSON string (from `--context optline='{…}'`). */
export function configFromContext(value: unknown): DeploymentConfig {
  if (typeof value === 'string') {
    try {
      return parseDeploymentConfig(JSON.parse(value));
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new ConfigError('optline', 'context value is not valid JSON');
    }
  }
  return parseDeploymentConfig(value);
}
