/**
 * `optline import`: streams a Pinpoint export (a file, a directory or an S3 prefix), an End User
 * Messaging opt-out list or a CSV into Optline in batches of 100 through
 * `POST /v1/imports/{importId}/batches`, the code an uploaded file's import shares in AWS (one import
 * path). Each file is its own import: its id comes from the file's SHA-256, the source and the
 * options, so running the same command again resumes it (batches already done are answered from
 * their stored reports and write nothing).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { OptlineApiError, type OptlineClient } from '../client';
import {
  IMPORT_BATCHES_AT_ONCE,
  IMPORT_BATCH_ROWS,
  MAX_DROPPED_LINES,
  type ImportBatchRequest,
} from '../lambdas/domain/import-request';
import { emptyReport, mergeReports, type ImportReport } from '../lambdas/domain/import-report';
import { IMPORT_SKIP_REASONS } from '../lambdas/domain/import-rules';
import { ImportOptionsError, mappingOf } from '../lambdas/domain/import-options';
import {
  IMPORT_SOURCES,
  MappingError,
  type ImportSource,
  type MappingSpec,
  type ReadLine,
} from '../lambdas/domain/import-sources';
import { apiFailure } from './api-commands';
import { apiClient, LOCAL_API, TARGET_OPTIONS, TARGET_USAGE } from './api-target';
import { EXIT_API_ERROR, EXIT_OK, EXIT_USAGE, parse, UsageError, type CliIo, type Command } from './command';
import { readCsvFile, readPinpointFile, sha256Of } from './import-input';
import { AwsTargetError, awsTarget } from './aws-target';
import { OptOutListError, readOptOutListSnapshot, snapshotOptOutList } from './opt-out-list';
import { download, isS3Url, objectsUnder, parseS3Url, s3Client, S3InputError, urlOf } from './s3-input';

/** Batches in flight at once: enough to keep the API busy, few enough to leave it to live traffic. */
const BATCHES_IN_FLIGHT = IMPORT_BATCHES_AT_ONCE;

export const importCommand: Command = {
  usage: [
    'Usage: optline import <file|directory|s3://bucket/prefix> --from <source> [options]',
    '       optline import --from eum-opt-outs --list <name> [options]',
    '',
    'Imports an audience with its consent evidence; nobody is texted. Sources:',
    '  pinpoint      a Pinpoint export (JSON Lines, gzipped or not; a directory or an S3 prefix:',
    '                every file in it)',
    '  eum-opt-outs  every number of an End User Messaging opt-out list, as opted out',
    '  klaviyo, attentive, postscript',
    '                a CSV export of those tools (column presets, docs/import.md)',
    '  csv           any CSV, with --map',
    'Running the same command again resumes an interrupted import and changes nothing once done.',
    '',
    'Options:',
    '  --from <source>              pinpoint, eum-opt-outs, klaviyo, attentive, postscript or csv',
    '  --list <name>                The opt-out list to read (--from eum-opt-outs), by name or ARN',
    '  --map <target>=<column>      A column for a target (repeatable): phone, consent, consentAt,',
    '                               optedOutAt, consentMethod, email, timeZone, or a property name',
    '  --consent-values <a,b>       Values that mean consent (default: true, yes, y, 1, subscribed…)',
    '  --no-consent-values <a,b>    Values that mean no consent (default: false, no, n, 0…)',
    '  --opt-out-values <a,b>       Values that mean an opt-out (default: unsubscribed, opted_out…)',
    '  --accept-undated-consent     Import consent that has no time (marked $consentUndated)',
    '  --dry-run                    Decide and report; write nothing',
    '',
    TARGET_USAGE,
    '  -h, --help          Show this help',
    '',
    'Exit codes: 0 done, 1 a row could not be written (or the API failed), 2 bad usage or an unreadable file.',
  ].join('\n'),
  run: runImport,
};

const OPTIONS = {
  ...TARGET_OPTIONS,
  from: { type: 'string' },
  list: { type: 'string' },
  map: { type: 'string', multiple: true },
  'consent-values': { type: 'string' },
  'no-consent-values': { type: 'string' },
  'opt-out-values': { type: 'string' },
  'accept-undated-consent': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parse<typeof OPTIONS>>['values'];

interface FileResult {
  readonly file: string;
  readonly importId: string;
  readonly sha256: string;
  readonly batches: number;
  /** Batches an earlier run had done: answered from their stored reports. */
  readonly replayedBatches: number;
  readonly report: ImportReport;
}

async function runImport(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, OPTIONS);
  if (values.help) {
    io.out(importCommand.usage);
    return EXIT_OK;
  }
  const source = sourceOf(values.from);
  if (source === 'eum-opt-outs') {
    if (positionals.length > 0)
      throw new UsageError(`unexpected argument ${positionals[0]}: --from eum-opt-outs reads --list`);
    if (!values.list) throw new UsageError('--from eum-opt-outs needs --list <name>');
  } else {
    if (values.list !== undefined) throw new UsageError('--list is for --from eum-opt-outs');
    if (positionals.length !== 1)
      throw new UsageError(
        positionals.length ? `unexpected argument ${positionals[1]}` : 'missing <file|directory|s3://…>',
      );
  }
  const spec = mappingFor(source, values);
  const client = await apiClient(values, io.env);

  const results: FileResult[] = [];
  try {
    if (source === 'eum-opt-outs') results.push(await importOptOutList(client, values.list!, values, io));
    else if (isS3Url(positionals[0]!))
      results.push(...(await importS3Objects(client, positionals[0]!, source, spec, values, io)));
    else
      for (const file of inputFiles(positionals[0]!, io))
        results.push(
          await importFile(client, fileInput(file, basename(file), source, spec), source, spec, values, io),
        );
  } catch (error) {
    if (
      error instanceof MappingError ||
      error instanceof UnreadableInputError ||
      error instanceof OptOutListError ||
      error instanceof AwsTargetError ||
      error instanceof S3InputError
    ) {
      io.err(`optline import: ${error.message}`);
      return EXIT_USAGE;
    }
    if (error instanceof OptlineApiError) {
      const code = apiFailure('import', error, io);
      io.err('optline import: run the same command again to resume; batches already done are not redone.');
      return code;
    }
    throw error;
  }
  const total = results.reduce((sum, r) => mergeReports(sum, r.report), emptyReport());
  const dryRun = values['dry-run'] ?? false;
  if (values.json) io.out(JSON.stringify({ dryRun, files: results, report: total }, null, 2));
  else io.out(renderReport(results, total, dryRun));
  return total.failed.count > 0 ? EXIT_API_ERROR : EXIT_OK;
}

class UnreadableInputError extends Error {}

function sourceOf(from: string | undefined): ImportSource {
  if (!from) throw new UsageError(`missing --from: one of ${IMPORT_SOURCES.join(', ')}`);
  if (!(IMPORT_SOURCES as readonly string[]).includes(from))
    throw new UsageError(`unknown --from "${from}": one of ${IMPORT_SOURCES.join(', ')}`);
  return from as ImportSource;
}

/** A file, or every file of a directory (a Pinpoint export job writes several), in name order. */
function inputFiles(input: string, io: CliIo): string[] {
  const path = resolve(io.cwd, input);
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    throw new UsageError(`cannot read ${input}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (!stats.isDirectory()) return [path];
  const files = readdirSync(path)
    .filter((name) => !name.startsWith('.'))
    .sort()
    .map((name) => join(path, name))
    .filter((file) => statSync(file).isFile());
  if (files.length === 0) throw new UsageError(`${input} has no files`);
  return files;
}

function mappingFor(source: ImportSource, values: Values): MappingSpec | undefined {
  try {
    return mappingOf(source, {
      ...(values.map ? { map: values.map } : {}),
      ...(values['consent-values'] !== undefined ? { consentValues: values['consent-values'] } : {}),
      ...(values['no-consent-values'] !== undefined ? { noConsentValues: values['no-consent-values'] } : {}),
      ...(values['opt-out-values'] !== undefined ? { optOutValues: values['opt-out-values'] } : {}),
    });
  } catch (error) {
    if (error instanceof ImportOptionsError) throw new UsageError(error.message);
    throw error;
  }
}

/** The import id: the same file, source and options are the same import (and resume it). */
function importIdOf(
  sha256: string,
  source: ImportSource,
  spec: MappingSpec | undefined,
  values: Values,
): string {
  const options = JSON.stringify({
    spec,
    undated: values['accept-undated-consent'] ?? false,
    ...(values.list ? { list: values.list } : {}),
  });
  return `imp-${createHash('sha256').update(`${source}\n${sha256}\n${options}`).digest('hex').slice(0, 20)}`;
}

/** One input of an import: the file to stream, the name its evidence gives it and its reader. */
interface ImportInput {
  readonly path: string;
  /** The name the evidence records: the file's, or the opt-out list's. */
  readonly name: string;
  readonly lines: (onBytes: (n: number) => void) => AsyncGenerator<ReadLine>;
}

function fileInput(
  file: string,
  name: string,
  source: Exclude<ImportSource, 'eum-opt-outs'>,
  spec: MappingSpec | undefined,
): ImportInput {
  return {
    path: file,
    name,
    lines: (onBytes) =>
      source === 'pinpoint'
        ? readPinpointFile(file, onBytes)
        : readCsvFile(file, spec!, source !== 'csv', onBytes),
  };
}

/**
 * An opt-out list is read page by page into a snapshot in a temporary directory, then imported as
 * a file: its SHA-256 is the list's content, so the same list imported again is the same import.
 */
async function importOptOutList(
  client: OptlineClient,
  list: string,
  values: Values,
  io: CliIo,
): Promise<FileResult> {
  const target = await awsTarget('smsVoice', apiUrlOf(values, io), values, io.env);
  const dir = mkdtempSync(join(tmpdir(), 'optline-opt-out-list-'));
  try {
    const path = join(dir, 'opt-out-list.jsonl');
    await snapshotOptOutList(target, list, path);
    return await importFile(
      client,
      {
        path,
        name: `opt-out list ${list}`,
        lines: (onBytes) => readOptOutListSnapshot(path, list, onBytes),
      },
      'eum-opt-outs',
      undefined,
      values,
      io,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Every object under an S3 prefix, one at a time: copied to a temporary file (./s3-input.ts) and
 * imported as a file whose evidence names it by its `s3://` URL.
 */
async function importS3Objects(
  client: OptlineClient,
  input: string,
  source: Exclude<ImportSource, 'eum-opt-outs'>,
  spec: MappingSpec | undefined,
  values: Values,
  io: CliIo,
): Promise<FileResult[]> {
  const location = parseS3Url(input);
  const s3 = s3Client(await awsTarget('s3', apiUrlOf(values, io), values, io.env));
  const dir = mkdtempSync(join(tmpdir(), 'optline-import-s3-'));
  const results: FileResult[] = [];
  try {
    for await (const key of objectsUnder(s3, location)) {
      const path = join(dir, 'object');
      await download(s3, location.bucket, key, path);
      results.push(
        await importFile(
          client,
          fileInput(path, urlOf(location, key), source, spec),
          source,
          spec,
          values,
          io,
        ),
      );
      rmSync(path, { force: true });
    }
  } finally {
    s3.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

/** The API's URL when the command was pointed at one (not at a stack by name). */
function apiUrlOf(values: Values, io: CliIo): string | undefined {
  return values.stack ? undefined : values.api || io.env.OPTLINE_API_URL || LOCAL_API;
}

async function importFile(
  client: OptlineClient,
  input: ImportInput,
  source: ImportSource,
  spec: MappingSpec | undefined,
  values: Values,
  io: CliIo,
): Promise<FileResult> {
  const file = input.path;
  let sha256: string;
  let size: number;
  try {
    size = statSync(file).size;
    sha256 = await sha256Of(file);
  } catch (error) {
    throw new UnreadableInputError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const importId = importIdOf(sha256, source, spec, values);
  const progress = progressBar(io, input.name, size);
  const lines = input.lines(progress.bytes);

  const base = {
    source: { system: source, fileName: input.name, sha256 },
    ...(values['accept-undated-consent'] ? { acceptUndatedConsent: true } : {}),
    ...(values['dry-run'] ? { dryRun: true } : {}),
  };
  let report = emptyReport();
  let batches = 0;
  let replayedBatches = 0;
  const inFlight = new Set<Promise<void>>();
  const send = async (request: ImportBatchRequest) => {
    const result = await sendBatch(client, importId, request);
    report = mergeReports(report, result.report);
    if (result.replayed) replayedBatches += 1;
    progress.rows(report.rows);
  };
  let rows: ImportBatchRequest['rows'] = [];
  let dropped: NonNullable<ImportBatchRequest['dropped']> = [];
  const flush = async () => {
    if (rows.length === 0 && dropped.length === 0) return;
    batches += 1;
    const request = { ...base, batch: batches, rows, ...(dropped.length ? { dropped } : {}) };
    rows = [];
    dropped = [];
    const pending = send(request).finally(() => inFlight.delete(pending));
    inFlight.add(pending);
    if (inFlight.size >= BATCHES_IN_FLIGHT) await Promise.race(inFlight);
  };
  try {
    for await (const read of lines) {
      if (read.kind === 'skipped') dropped.push({ line: read.line, reason: read.reason });
      else rows.push({ ...read.row, properties: { ...read.row.properties } });
      if (rows.length >= IMPORT_BATCH_ROWS || dropped.length >= MAX_DROPPED_LINES) await flush();
    }
    await flush();
    await Promise.all(inFlight);
  } catch (error) {
    await Promise.allSettled(inFlight);
    if (error instanceof MappingError || error instanceof OptlineApiError) throw error;
    throw new UnreadableInputError(
      `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    progress.done();
  }
  return { file: input.name, importId, sha256, batches, replayedBatches, report };
}

/** Times a batch answered 504 (API Gateway stopped waiting, 29 s) is sent again. */
const TIMEOUT_RETRIES = 3;

/**
 * Sends one batch. A 504 means API Gateway stopped waiting while the function may have gone on
 * writing: the batch is sent again, which is safe because the route is idempotent (rows the first
 * attempt recorded count as `alreadyImported`, found by their event ids).
 */
async function sendBatch(client: OptlineClient, importId: string, request: ImportBatchRequest) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.importBatch(importId, request);
    } catch (error) {
      if (!(error instanceof OptlineApiError) || error.status !== 504 || attempt >= TIMEOUT_RETRIES)
        throw error;
    }
  }
}

/** A one-line progress bar on a terminal (bytes read of the file, rows reported); nothing elsewhere. */
function progressBar(io: CliIo, name: string, size: number) {
  let read = 0;
  let rows = 0;
  let last = 0;
  const draw = (force = false) => {
    const now = Date.now();
    if (!io.tty || (!force && now - last < 100)) return;
    last = now;
    const share = size > 0 ? Math.min(1, read / size) : 1;
    const width = 30;
    const filled = Math.round(share * width);
    io.tty.write(
      `\r${name} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.round(share * 100)}% ${rows.toLocaleString('en-US')} rows`,
    );
  };
  return {
    bytes: (n: number) => {
      read += n;
      draw();
    },
    rows: (n: number) => {
      rows = n;
      draw();
    },
    done: () => {
      draw(true);
      io.tty?.write('\n');
    },
  };
}

const OUTCOME_LABELS: readonly [keyof ImportReport, string][] = [
  ['created', 'profiles created'],
  ['updated', 'profiles updated'],
  ['optedOut', 'opted out'],
  ['suppressed', 'suppressed'],
  ['alreadyImported', 'already imported'],
];

function renderReport(results: readonly FileResult[], total: ImportReport, dryRun: boolean): string {
  const out: string[] = [];
  for (const r of results) {
    out.push(
      `${r.file}: import ${r.importId}, SHA-256 ${r.sha256}, ${r.batches} batch${r.batches === 1 ? '' : 'es'}`,
    );
    if (r.replayedBatches > 0)
      out.push(
        `  resumed: ${r.replayedBatches} of ${r.batches} batches were done by an earlier run; their rows are counted as that run recorded them, and nothing was written for them now`,
      );
  }
  out.push(dryRun ? 'Dry run: nothing was written. What the import would do:' : 'Report:');
  out.push(`  rows read          ${total.rows}`);
  for (const [key, label] of OUTCOME_LABELS) out.push(`  ${label.padEnd(18)} ${String(total[key])}`);
  const skipped = IMPORT_SKIP_REASONS.filter((reason) => total.skipped[reason]);
  out.push(`  skipped            ${skipped.reduce((n, reason) => n + total.skipped[reason]!.count, 0)}`);
  for (const reason of skipped) {
    const sample = total.skipped[reason]!;
    out.push(
      `    ${reason.padEnd(24)} ${String(sample.count).padStart(6)}  ${linesOf(sample.lines, sample.count)}`,
    );
  }
  out.push(`  failed             ${total.failed.count}`);
  for (const f of total.failed.lines) out.push(`    line ${f.line}: ${f.error}`);
  if (total.failed.count > 0) out.push('Run the same command again to retry the rows that failed.');
  return out.join('\n');
}

function linesOf(lines: readonly number[], count: number): string {
  const listed = `line${lines.length === 1 ? '' : 's'} ${lines.join(', ')}`;
  return count > lines.length ? `${listed}, …` : listed;
}
