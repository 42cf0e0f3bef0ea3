/**
 * Reads an End User Messaging opt-out list for `optline import --from eum-opt-outs --list <name>`:
 * every page of `DescribeOptedOutNumbers` is written to a snapshot file (JSON Lines, one number a
 * line) as it arrives, so memory stays flat; the import then streams the snapshot like a file, and
 * the snapshot's SHA-256 names the list's content in the evidence the way a file's does.
 *
 * The list is read where `awsTarget('smsVoice', …)` points (./aws-target.ts).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import {
  paginateDescribeOptedOutNumbers,
  PinpointSMSVoiceV2Client,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { readOptedOutNumber, type ReadLine } from '../lambdas/domain/import-sources';
import { clientSettings, type AwsTarget } from './aws-target';

/** The list could not be read (no such list, no permission, no network): exit code 2. */
export class OptOutListError extends Error {}

/** Writes every number of the list to `path`, page by page; returns how many it wrote. */
export async function snapshotOptOutList(target: AwsTarget, list: string, path: string): Promise<number> {
  const client = new PinpointSMSVoiceV2Client(clientSettings(target));
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
