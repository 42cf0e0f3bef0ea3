/**
 * Reads an End User Messaging opt-out list for `optline import --from eum-opt-outs --list <name>`:
 * every page of `DescribeOptedOutNumbers` is written to a snapshot file (JSON Lines, one number a
 * line) as it arrives, so memory stays flat; the import then streams the snapshot like a file, and
 * the snapshot's SHA-256 names the list's content in the evidence the way a file's does.
 *
 * Where the list is read: `--profile`/`--region` and the SDK's credential chain, as the AWS CLI;
 * `AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2` or `AWS_ENDPOINT_URL` when set; against the local runtime,
 * its local AWS endpoint (`GET /_local/aws`).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import {
  paginateDescribeOptedOutNumbers,
  PinpointSMSVoiceV2Client,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { readOptedOutNumber, type ReadLine } from '../lambdas/domain/import-sources';
import { parseLocalCredentials } from '../local/signature-check';

/** Where and as whom the list is read. */
export interface OptOutListTarget {
  readonly endpoint?: string;
  readonly region: string;
  readonly profile?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** The list could not be read (no such list, no permission, no network): exit code 2. */
export class OptOutListError extends Error {}

/**
 * The target for the list: an endpoint set in the environment wins; against the local runtime
 * (`apiUrl` on this machine, no `--profile`), the local AWS endpoint it names; else AWS.
 */
export async function optOutListTarget(
  apiUrl: string | undefined,
  values: { readonly profile?: string; readonly region?: string },
  env: Readonly<Record<string, string | undefined>>,
): Promise<OptOutListTarget> {
  const region = values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const endpoint = env.AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2 ?? env.AWS_ENDPOINT_URL;
  const base = { region, ...(values.profile ? { profile: values.profile } : {}) };
  if (endpoint) return { ...base, endpoint };
  const local =
    apiUrl !== undefined &&
    !values.profile &&
    ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(apiUrl).hostname);
  if (!local) return base;
  let answer: Response;
  try {
    answer = await fetch(new URL('/_local/aws', apiUrl));
  } catch (error) {
    throw new OptOutListError(`cannot reach the local runtime at ${apiUrl}: ${(error as Error).message}`);
  }
  if (!answer.ok)
    throw new OptOutListError(`${apiUrl} is not the local runtime (GET /_local/aws: ${answer.status})`);
  const { endpointUrl, region: localRegion } = (await answer.json()) as {
    endpointUrl: string;
    region: string;
  };
  const credentials =
    env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE
      ? undefined
      : parseLocalCredentials(env.OPTLINE_LOCAL_CREDENTIALS, 'OPTLINE_LOCAL_CREDENTIALS');
  return {
    endpoint: endpointUrl,
    region: localRegion,
    ...(credentials ? { credentials } : {}),
  };
}

/** Writes every number of the list to `path`, page by page; returns how many it wrote. */
export async function snapshotOptOutList(
  target: OptOutListTarget,
  list: string,
  path: string,
): Promise<number> {
  const client = new PinpointSMSVoiceV2Client({
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    credentials:
      target.credentials ?? fromNodeProviderChain(target.profile ? { profile: target.profile } : {}),
  });
  const out = createWriteStream(path);
  // Opened before the first page: a list that cannot be read destroys the stream, and a file still
  // opening then would fail later, after the caller removed its directory.
  await once(out, 'open');
  let numbers = 0;
  try {
    for await (const page of paginateDescribeOptedOutNumbers({ client }, { OptOutListName: list })) {
      for (const entry of page.OptedOutNumbers ?? []) {
        const line = `${JSON.stringify({
          OptedOutNumber: entry.OptedOutNumber,
          ...(entry.OptedOutTimestamp ? { OptedOutTimestamp: entry.OptedOutTimestamp.toISOString() } : {}),
        })}\n`;
        numbers += 1;
        if (!out.write(line)) await once(out, 'drain');
      }
    }
  } catch (error) {
    out.destroy();
    const name = error instanceof Error ? error.name : 'Error';
    throw new OptOutListError(
      `cannot read the opt-out list ${list}: ${name}: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    client.destroy();
  }
  out.end();
  await once(out, 'finish');
  return numbers;
}

/** The snapshot's numbers as import lines (line n is the list's n-th number). */
export async function* readOptOutListSnapshot(
  path: string,
  list: string,
  onBytes: (n: number) => void,
): AsyncGenerator<ReadLine> {
  const raw = createReadStream(path);
  raw.on('data', (chunk) => onBytes((chunk as Buffer).length));
  let line = 0;
  for await (const text of createInterface({ input: raw, crlfDelay: Infinity })) {
    line += 1;
    yield readOptedOutNumber(
      JSON.parse(text) as { OptedOutNumber?: string; OptedOutTimestamp?: string },
      line,
      list,
    );
  }
}
