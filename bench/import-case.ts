/**
 * The import row of the benchmark: N generated Pinpoint endpoints (a gzipped export, as
 * `CreateExportJob` writes it) imported into a fresh local runtime by `optline import`, run as its
 * own process (bench/import-cli.ts). Measures rows a second over the whole command (hashing,
 * reading, the API, the writes) and the command's peak RSS, which stays flat however large the file.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createGzip } from 'node:zlib';
import type { ImportReport } from '../lambdas/domain/import-report';
import { ROOT, startBenchRuntime } from './runtime';

export interface ImportResult {
  readonly endpoints: number;
  readonly fileBytes: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  /** The command's peak resident memory (the runtime runs in another process). */
  readonly peakRssBytes: number;
  readonly report: Pick<
    ImportReport,
    'rows' | 'created' | 'updated' | 'optedOut' | 'suppressed' | 'alreadyImported'
  > & {
    readonly skipped: number;
    readonly failed: number;
  };
}

/**
 * One endpoint a line: 90% SMS with no opt-out (imported as undated consent), 5% opted out, 3%
 * inactive, 2% email endpoints (skipped as not SMS). Numbers +1 206 200-0000 onwards, all distinct.
 */
async function writeExport(path: string, endpoints: number): Promise<void> {
  const gzip = createGzip();
  const file = createWriteStream(path);
  gzip.pipe(file);
  for (let i = 0; i < endpoints; i++) {
    const kind = i % 100;
    const line = JSON.stringify({
      ApplicationId: 'bench',
      Id: `ep-${i}`,
      ChannelType: kind >= 98 ? 'EMAIL' : 'SMS',
      Address: kind >= 98 ? `user${i}@example.com` : `+1206${String(2_000_000 + i)}`,
      EndpointStatus: kind >= 95 && kind < 98 ? 'INACTIVE' : 'ACTIVE',
      OptOut: kind >= 90 && kind < 95 ? 'ALL' : 'NONE',
      EffectiveDate: '2025-06-01T12:00:00.000Z',
      Attributes: { Interests: ['coffee'] },
      Demographic: { Timezone: 'America/Los_Angeles' },
      Location: { Country: 'US', City: 'Seattle' },
      User: { UserId: `user-${i}`, UserAttributes: { FirstName: ['Ada'] } },
    });
    if (!gzip.write(`${line}\n`)) await once(gzip, 'drain');
  }
  gzip.end();
  await once(file, 'finish');
}

export async function runImport(spec: { endpoints: number }): Promise<ImportResult> {
  const dir = mkdtempSync(join(tmpdir(), 'optline-bench-import-'));
  const runtime = await startBenchRuntime({ messagesPerSecond: 100 });
  try {
    const file = join(dir, 'export.jsonl.gz');
    await writeExport(file, spec.endpoints);
    const started = Date.now();
    const child = fork(
      resolve(__dirname, 'import-cli.ts'),
      [JSON.stringify(['import', file, '--from', 'pinpoint', '--accept-undated-consent', '--json'])],
      {
        cwd: ROOT,
        execArgv: ['--import', 'tsx'],
        env: { ...process.env, OPTLINE_API_URL: runtime.url },
      },
    );
    const [answer] = (await once(child, 'message')) as [
      { code: number; output: string; errors: string; peakRssBytes: number },
    ];
    const seconds = (Date.now() - started) / 1000;
    if (answer.code !== 0) throw new Error(`optline import exited ${answer.code}: ${answer.errors}`);
    const { report } = JSON.parse(answer.output) as { report: ImportReport };
    return {
      endpoints: spec.endpoints,
      fileBytes: statSync(file).size,
      seconds,
      rowsPerSecond: report.rows / seconds,
      peakRssBytes: answer.peakRssBytes,
      report: {
        rows: report.rows,
        created: report.created,
        updated: report.updated,
        optedOut: report.optedOut,
        suppressed: report.suppressed,
        // Rows of a batch the client sent again (a timeout under load) that the first attempt wrote.
        alreadyImported: report.alreadyImported,
        skipped: Object.values(report.skipped).reduce((n, s) => n + (s?.count ?? 0), 0),
        failed: report.failed.count,
      },
    };
  } finally {
    await runtime.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
