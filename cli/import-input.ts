/**
 * Reads an import's input as a stream of lines for the import rules: a Pinpoint export (JSON Lines,
 * gzipped or not) or a CSV file through a resolved column mapping. Memory stays flat whatever the
 * size: one line (or CSV record) at a time, read with readline or csv-parse over zlib.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import {
  readCsvRecord,
  readPinpointEndpoint,
  resolveMapping,
  type MappingSpec,
  type ReadLine,
} from '../lambdas/domain/import-sources';

/** The SHA-256 of a file's bytes as stored (hex): the evidence names the file by it. */
export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The file's bytes, gunzipped when it is gzip (by its magic number, whatever its name). */
async function open(path: string, onBytes: (n: number) => void): Promise<Readable> {
  const head = await new Promise<Buffer>((resolve, reject) => {
    const stream = createReadStream(path, { start: 0, end: 1 });
    const chunks: Buffer[] = [];
    stream.on('data', (c) => chunks.push(c as Buffer));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
  const raw = createReadStream(path);
  raw.on('data', (chunk) => onBytes((chunk as Buffer).length));
  return head[0] === 0x1f && head[1] === 0x8b ? raw.pipe(createGunzip()) : raw;
}

export async function* readPinpointFile(
  path: string,
  onBytes: (n: number) => void,
): AsyncGenerator<ReadLine> {
  const lines = createInterface({ input: await open(path, onBytes), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      yield { kind: 'skipped', line, reason: 'unreadable', message: 'not JSON' };
      continue;
    }
    yield readPinpointEndpoint(value, line);
  }
}

/**
 * A CSV file's records through the mapping resolved against its header. A record's line is its
 * position counting the header as 1 (the file's line, for records without line breaks in a field).
 */
export async function* readCsvFile(
  path: string,
  spec: MappingSpec,
  preset: boolean,
  onBytes: (n: number) => void,
): AsyncGenerator<ReadLine> {
  const records = (await open(path, onBytes)).pipe(
    parse({ bom: true, relax_column_count: true, skip_empty_lines: true, trim: true }),
  );
  let header: string[] | undefined;
  let mapping: ReturnType<typeof resolveMapping> | undefined;
  let line = 0;
  for await (const values of records as AsyncIterable<string[]>) {
    line += 1;
    if (!header) {
      header = values;
      mapping = resolveMapping(header, spec, preset);
      continue;
    }
    const record: Record<string, string | undefined> = {};
    header.forEach((name, i) => (record[name] = values[i]));
    yield readCsvRecord(record, mapping!, line);
  }
}
