/**
 * Where the API commands send their calls, and with which credentials: `--api <url>` or
 * OPTLINE_API_URL, else the `ApiUrl` output of the CloudFormation stack `--stack <name>` (read with
 * `--profile`/`--region` like the AWS CLI), else the local runtime (http://127.0.0.1:3000). Against
 * the local runtime without AWS credentials in the environment, it signs with the local key pair
 * (OPTLINE_LOCAL_CREDENTIALS, or local/local).
 */
import { OptlineClient } from '../client';
import { parseLocalCredentials } from '../local/signature-check';
import { UsageError } from './command';
import { stackOutput } from './stack-outputs';

export const LOCAL_API = 'http://127.0.0.1:3000';

/** The options every API command takes. */
export const TARGET_OPTIONS = {
  api: { type: 'string' },
  stack: { type: 'string' },
  profile: { type: 'string' },
  region: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const TARGET_USAGE = [
  'Where to:',
  '  --stack <name>      The deployed stack: its ApiUrl output, from CloudFormation',
  '  --profile <name>    AWS profile for CloudFormation and the signature (default: the SDK chain)',
  "  --region <region>   AWS Region of the stack (default: AWS_REGION, the profile's, us-east-1)",
  `  --api <url>         The API's URL instead (default: OPTLINE_API_URL, else ${LOCAL_API})`,
  "  --json              Print the API's JSON answer",
].join('\n');

/** Whether a URL is on this machine (the local runtime's, by default). */
export function isLocalUrl(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

export interface TargetValues {
  readonly api?: string;
  readonly stack?: string;
  readonly profile?: string;
  readonly region?: string;
}

export async function apiClient(values: TargetValues, env: Readonly<Record<string, string | undefined>>) {
  if (values.api !== undefined && values.stack !== undefined)
    throw new UsageError('give --api or --stack, not both');
  const region = values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const baseUrl = values.stack
    ? await stackOutput({
        stack: values.stack,
        key: 'ApiUrl',
        instead: '--api <url>',
        region,
        profile: values.profile,
      })
    : values.api || env.OPTLINE_API_URL || LOCAL_API;
  let url: URL;
  try {
    url = new URL(baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
  } catch {
    throw new UsageError(`--api must be an http(s) URL, got ${baseUrl}`);
  }
  const local = isLocalUrl(url);
  const localCredentials =
    local && !values.profile && !env.AWS_ACCESS_KEY_ID && !env.AWS_PROFILE
      ? parseLocalCredentials(env.OPTLINE_LOCAL_CREDENTIALS, 'OPTLINE_LOCAL_CREDENTIALS')
      : undefined;
  return new OptlineClient({
    baseUrl,
    ...(region ? { region } : {}),
    ...(values.profile ? { profile: values.profile } : {}),
    ...(localCredentials ? { credentials: localCredentials } : {}),
  });
}
