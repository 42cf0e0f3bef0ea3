/**
 * Where a command reads an AWS service directly (an End User Messaging opt-out list, an export in
 * S3), as the AWS CLI would: `--profile`/`--region` and the SDK's credential chain; the SDK's own
 * endpoint variables when set (`AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`); against the
 * local runtime (the API on this machine, no `--profile`), the local endpoints it names at
 * `GET /_local/aws`, signed with the local key pair.
 */
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { parseLocalCredentials } from '../local/signature-check';
import { isLocalUrl } from './api-target';

export type AwsService = 'smsVoice' | 's3';

/** The SDK's service-specific endpoint variable of each service. */
const ENDPOINT_VARIABLES: Record<AwsService, string> = {
  smsVoice: 'AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2',
  s3: 'AWS_ENDPOINT_URL_S3',
};

/** Where and as whom a service is called. */
export interface AwsTarget {
  readonly endpoint?: string;
  readonly region: string;
  readonly profile?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** What `GET /_local/aws` answers. */
interface LocalAws {
  readonly endpointUrl: string;
  readonly s3EndpointUrl: string;
  readonly region: string;
}

/** The service cannot be reached where the command was pointed (exit code 2). */
export class AwsTargetError extends Error {}

export async function awsTarget(
  service: AwsService,
  apiUrl: string | undefined,
  values: { readonly profile?: string; readonly region?: string },
  env: Readonly<Record<string, string | undefined>>,
): Promise<AwsTarget> {
  const region = values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const endpoint = env[ENDPOINT_VARIABLES[service]] ?? env.AWS_ENDPOINT_URL;
  const base = { region, ...(values.profile ? { profile: values.profile } : {}) };
  if (endpoint) return { ...base, endpoint };
  const local = apiUrl !== undefined && !values.profile && isLocalUrl(new URL(apiUrl));
  if (!local) return base;
  let answer: Response;
  try {
    answer = await fetch(new URL('/_local/aws', apiUrl));
  } catch (error) {
    throw new AwsTargetError(`cannot reach the local runtime at ${apiUrl}: ${(error as Error).message}`);
  }
  if (!answer.ok)
    throw new AwsTargetError(`${apiUrl} is not the local runtime (GET /_local/aws: ${answer.status})`);
  const aws = (await answer.json()) as LocalAws;
  const credentials =
    env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE
      ? undefined
      : parseLocalCredentials(env.OPTLINE_LOCAL_CREDENTIALS, 'OPTLINE_LOCAL_CREDENTIALS');
  return {
    endpoint: service === 's3' ? aws.s3EndpointUrl : aws.endpointUrl,
    region: aws.region,
    ...(credentials ? { credentials } : {}),
  };
}

/** The SDK client settings for a target. */
export function clientSettings(target: AwsTarget) {
  return {
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    credentials:
      target.credentials ?? fromNodeProviderChain(target.profile ? { profile: target.profile } : {}),
  };
}
