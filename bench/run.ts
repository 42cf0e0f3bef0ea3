/**
 * `npm run bench`: throughput against the number's MPS, the same campaign under faults, the
 * infrastructure cost per 1,000 messages, Lambda package sizes and init times, the inbound path's
 * requests, a scale model for 1 and 10 million subscribers, and what sample texts cost in SMS
 * segments with each kind of short link. Prints tables and writes
 * bench/results.json. A measurement, not a test: it fails only when a case cannot run.
 *
 *   npm run bench                                   everything (4.5 minutes on 2 cores, and the import row's
 *                                                   100,000 endpoints at its rows a second)
 *   npm run bench -- --recipients N --mps M         the throughput case alone (quick check)
 *   npm run bench -- … --mps M --throttle 0.05      … with 5% of sends throttled by End User Messaging
 *   npm run bench -- --recipients N                 everything, N recipients per throughput run
 *   npm run bench -- --acceptance                   the campaigns' acceptance run alone (printed only)
 *   npm run bench -- --profile                      also CPU-profile the throughput runs
 *   npm run bench -- --skip-bundles                 everything but the Lambda packages
 *   npm run bench -- --import [N]                   the import row alone (N Pinpoint endpoints,
 *                                                   100,000 by default), into the last full results
 *   npm run bench -- --print                        print the tables of the last full run again
 *   npm run bench -- --sms-cost                     the SMS cost table alone (computed), into the
 *                                                   last full results
 *
 * Defaults: 10,000 recipients per throughput run and for the fault run (about 4.5 minutes in all on a
 * 2-CPU machine; `--recipients 5000` halves the throughput runs), 1,000 at 100 MPS for the campaign
 * cost run. Each case runs in its own process (bench/case.ts) with
 * `startLocalRuntime`. See bench/README.md.
 */
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import {
  measureBundles,
  measureVariants,
  TARGET_BYTES,
  type BundleResult,
  type VariantResult,
} from './bundles';
import type { CaseSpec } from './case';
import type { CaseUsage, InboundUsage } from './cost-cases';
import type { ImportResult } from './import-case';
import { costLines, infrastructureUsd, messagingUsd, US_SMS_SEGMENT_USD } from './cost-model';
import { bucketShares, summariseProfile, type ProfileShare } from './profile';
import { smsCostRows, type SmsCostRow } from './sms-cost';
import { kb, num, percent, section, seconds, table, usd } from './report';
import { ROOT } from './runtime';
import { perMessage, scaleScenarios, type ScaleScenario } from './scale-model';
import type { AcceptanceResult, FaultResult, ThroughputResult } from './throughput';
import { dynamoTotals, smsCalls, type Usage } from './usage';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const RESULTS = resolve(__dirname, 'results.json');
const RATES = [100, 500, 1000];
const TARGET_RATIO = 1.1;
/** The campaigns' acceptance run: 2,000 subscribers, 200 MPS, 5% throttled, within 1.2 × N / MPS. */
const ACCEPTANCE = { subscribers: 2000, mps: 200, throttleRate: 0.05, targetRatio: 1.2 };
/**
 * Runs of the acceptance case: on a shared 2-CPU machine one run's wall time varies by a fifth, so the
 * table shows the median run and the range.
 */
const ACCEPTANCE_RUNS = 3;
const TARGET_INFRA_PER_1000 = 0.05;
/** The import row: a Pinpoint export of this many endpoints. */
const IMPORT_ENDPOINTS = 100_000;

interface Options {
  recipients: number;
  mps?: number;
  throttleRate: number;
  acceptance: boolean;
  profile: boolean;
  skipBundles: boolean;
  print: boolean;
  /** The SMS cost table alone (computed), into the last full results. */
  smsCost: boolean;
  /** The import row alone, with this many endpoints. */
  importEndpoints?: number;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = {
    recipients: 10_000,
    throttleRate: 0,
    acceptance: false,
    profile: false,
    skipBundles: false,
    print: false,
    smsCost: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const n = Number(argv[++i]);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${arg} needs a positive number`);
      return n;
    };
    if (arg === '--recipients') options.recipients = Math.round(value());
    else if (arg === '--mps') options.mps = value();
    else if (arg === '--throttle') options.throttleRate = Math.min(1, value());
    else if (arg === '--acceptance') options.acceptance = true;
    else if (arg === '--profile') options.profile = true;
    else if (arg === '--skip-bundles') options.skipBundles = true;
    else if (arg === '--print') options.print = true;
    else if (arg === '--sms-cost') options.smsCost = true;
    else if (arg === '--import')
      options.importEndpoints = /^\d+$/.test(argv[i + 1] ?? '') ? Math.round(value()) : IMPORT_ENDPOINTS;
    else throw new Error(`unknown option ${arg}`);
  }
  return options;
}

function machine() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  return {
    cpus: cpus().length,
    cpuModel: model.trim(),
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Runs one case in a child process (tsx), optionally with a CPU profile. */
async function runCase<T>(spec: CaseSpec, profileDir?: string): Promise<T> {
  const started = Date.now();
  log(`${JSON.stringify(spec)} …`);
  const child = fork(resolve(__dirname, 'case.ts'), [JSON.stringify(spec)], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx', ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    silent: true,
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const result = await new Promise<T>((resolvePromise, reject) => {
    let settled = false;
    child.on('message', (message: { ok: boolean; result?: T; error?: string }) => {
      settled = true;
      if (message.ok) resolvePromise(message.result as T);
      else reject(new Error(`${spec.kind} failed: ${message.error}\n${output}`));
    });
    child.on('exit', (code) => {
      if (!settled) reject(new Error(`${spec.kind} exited with ${code}\n${output}`));
    });
  });
  await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(undefined)));
  log(`${spec.kind} done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return result;
}

async function throughputRun(recipients: number, mps: number, profile: boolean, throttleRate = 0) {
  const dir = profile ? mkdtempSync(join(tmpdir(), 'optline-bench-prof-')) : undefined;
  try {
    const result = await runCase<ThroughputResult>(
      { kind: 'throughput', recipients, mps, throttleRate },
      dir,
    );
    let shares: ProfileShare[] | undefined;
    if (dir) {
      const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
      if (file) shares = summariseProfile(join(dir, file));
    }
    return { result, shares };
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The table of throughput runs, then what this machine can do at most: the CPU a text costs the
 * local runtime (all threads, and the main thread that runs handlers and emulators) sets a ceiling of
 * cores × 1,000 / ms texts a second, whatever the MPS.
 */
function throughputTable(rows: readonly ThroughputResult[], cores: number, target = TARGET_RATIO): string {
  return `${throughputRows(rows, target)}${ceilingNote(rows, cores)}`;
}

function throughputRows(rows: readonly ThroughputResult[], target: number): string {
  return table(
    [
      'recipients',
      'MPS',
      'seconds',
      'ideal s',
      'ratio',
      'dup',
      'lost',
      '1st text s',
      'sent/s',
      'CPU',
      'ELU',
      'CPU ms/text',
      'throttled',
      `target ≤${target.toFixed(2)}`,
    ],
    rows.map((r) => [
      r.recipients,
      r.mps,
      num(r.seconds, 1),
      num(r.idealSeconds, 1),
      `${r.ratio.toFixed(2)}×`,
      r.duplicates,
      r.lost,
      num(r.firstTextSeconds, 1),
      num(r.steadyRate, 0),
      `${Math.round(r.cpuShare * 100)}%`,
      r.eventLoopUtilization.toFixed(2),
      r.cpuMsPerText.toFixed(2),
      r.throttled,
      r.ratio <= target ? 'met' : 'missed',
    ]),
  );
}

/** The machine's ceiling, from the CPU a text cost in the run at the highest MPS. */
function ceilingNote(rows: readonly ThroughputResult[], cores: number): string {
  const highest = [...rows].sort((a, b) => b.mps - a.mps)[0];
  if (!highest) return '';
  const { cpuMsPerText: cpu, mainThreadMsPerText: main, mps } = highest;
  return (
    `\nEach text took ${cpu.toFixed(2)} ms of CPU (${main.toFixed(2)} ms of it on the main thread, which runs ` +
    `the handlers and emulators; dynalite has its own). So this machine sends at most ` +
    `${num(Math.floor((cores * 1000) / cpu))} texts/s on its ${cores} cores, and ` +
    `${num(Math.floor(1000 / main))} on one main thread; ${num(mps)} MPS needs ` +
    `${((mps * cpu) / 1000).toFixed(1)} cores' worth of CPU.`
  );
}

/** The acceptance case ACCEPTANCE_RUNS times: the median run (by ratio), with every run's ratio. */
async function acceptanceRuns(): Promise<AcceptanceResult> {
  const runs: AcceptanceResult[] = [];
  for (let i = 0; i < ACCEPTANCE_RUNS; i++) {
    runs.push(await runCase<AcceptanceResult>({ kind: 'acceptance', ...ACCEPTANCE }));
  }
  const sorted = [...runs].sort((a, b) => a.ratio - b.ratio);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return { ...median, runRatios: runs.map((run) => run.ratio) };
}

function acceptanceTable(a: AcceptanceResult): string {
  const ratios = a.runRatios ?? [a.ratio];
  const met = ratios.filter((ratio) => ratio <= ACCEPTANCE.targetRatio).length;
  return table(
    ['check', 'result', 'expected'],
    [
      ['eligible subscribers', a.eligible, ''],
      ['texted exactly once', a.textedExactlyOnce, a.eligible],
      ['duplicates / lost', `${a.duplicates} / ${a.lost}`, '0 / 0'],
      ['texts to excluded subscribers', a.textsToExcluded, 0],
      ["campaign counter 'sent' = texts in the outbox", a.countersMatchOutbox ? 'yes' : 'no', 'yes'],
      ['throttled sends', a.throttled, ''],
      [
        'seconds / ideal (eligible / MPS)',
        `${num(a.seconds, 1)} / ${num(a.idealSeconds, 1)} = ${a.ratio.toFixed(2)}×`,
        `≤ ${ACCEPTANCE.targetRatio}× ${a.ratio <= ACCEPTANCE.targetRatio ? '(met)' : '(missed)'}`,
      ],
      [
        `ratio of each run (${ratios.length}; the median run above)`,
        ratios.map((ratio) => `${ratio.toFixed(2)}×`).join(', '),
        `met in ${met} of ${ratios.length}`,
      ],
    ],
  );
}

function faultTable(f: FaultResult): string {
  return table(
    ['check', 'result', 'expected'],
    [
      ['eligible recipients', f.eligible, ''],
      ['texted exactly once', f.textedExactlyOnce, f.eligible],
      ['duplicates', f.duplicates, 0],
      ['lost', f.lost, 0],
      ['… claimed by the killed invocation, never sent', f.lostInKill, 0],
      [
        'claimed by the killed invocation / sent after 15 min unconfirmed',
        `${f.claimedByKill} / ${f.sentAfterWindow}`,
        'equal',
      ],
      ['texts to opted-out numbers', f.textsToOptedOut, 0],
      ['texts to paused numbers', f.textsToPaused, 0],
      ['DLQ depth after retries', f.dlq, 0],
      ['STOPs during the run', f.stopsDuringRun, ''],
      ['texts crossing a STOP being processed', f.textsRacingStop, '(race, not a violation)'],
      ['… sent after the opt-out was on the profile', f.textsAfterOptOutRecorded, '(see the report)'],
      ['throttled sends (injected 5% + MPS)', f.throttled, ''],
      ['5xx answers (injected 1%)', f.serverErrors, ''],
      [
        "campaign counter 'sent' / texts in the outbox",
        `${String(f.counters.sent)} / ${f.campaignTexts}`,
        'equal; a killed batch short',
      ],
      [
        'sender invocations / failed / killed part-way',
        `${f.senderInvocations} / ${f.crashedInvocations} / ${f.killedInvocations}`,
        '2 failed, 1 killed',
      ],
      ['wall time', seconds(f.seconds), ''],
    ],
  );
}

interface CostSummary {
  readonly name: string;
  readonly unitName: string;
  readonly units: number;
  readonly per1000: { service: string; quantity: number; usd: number; modelled?: boolean }[];
  readonly infrastructurePer1000Usd: number;
  readonly messagingPer1000Usd: number;
  readonly textsPerUnit: number;
  readonly usage: Usage;
}

function summariseCost(name: string, c: CaseUsage): CostSummary {
  const factor = 1000 / c.units;
  return {
    name,
    unitName: c.unitName,
    units: c.units,
    per1000: costLines(c.usage).map((l) => ({
      service: l.service,
      quantity: l.quantity * factor,
      usd: l.usd * factor,
      ...(l.modelled ? { modelled: true } : {}),
    })),
    infrastructurePer1000Usd: infrastructureUsd(c.usage) * factor,
    messagingPer1000Usd: messagingUsd(c.usage) * factor,
    textsPerUnit: (c.usage.texts.sms + c.usage.texts.mms) / c.units,
    usage: c.usage,
  };
}

function costTable(costs: readonly CostSummary[]): string {
  const services = costs[0]?.per1000.map((l) => l.service) ?? [];
  const rows: (readonly string[])[] = services.map((service) => [
    service + (costs[0]?.per1000.find((l) => l.service === service)?.modelled ? ' (modelled)' : ''),
    ...costs.flatMap((c) => {
      const line = c.per1000.find((l) => l.service === service);
      return [num(line?.quantity ?? 0, 1), usd(line?.usd ?? 0)];
    }),
  ]);
  rows.push(['infrastructure total', ...costs.flatMap((c) => ['', usd(c.infrastructurePer1000Usd)])]);
  rows.push([
    'texts sent (SMS price, US)',
    ...costs.flatMap((c) => [num(c.textsPerUnit * 1000, 0), usd(c.messagingPer1000Usd)]),
  ]);
  rows.push([
    'infrastructure / SMS price',
    ...costs.flatMap((c) => [
      '',
      `${((c.infrastructurePer1000Usd / c.messagingPer1000Usd) * 100).toFixed(1)}%`,
    ]),
  ]);
  return table(['per 1,000 …', ...costs.flatMap((c) => [c.unitName, 'USD'])], rows);
}

/** Segments and SMS cost per 1,000 of each sample body per link variant (bench/sms-cost.ts). */
function smsCostTable(rows: readonly SmsCostRow[], infrastructurePer1000Usd: number | null): string {
  const variants = rows[0]?.variants.map((v) => v.variant) ?? [];
  const body = table(
    ['body', 'chars', ...variants.flatMap((v) => [`${v}: segs`, 'USD'])],
    rows.map((row) => [
      row.name,
      num(row.characters),
      ...row.variants.flatMap((v) => [num(v.segments), usd(v.per1000Usd)]),
    ]),
  );
  const infrastructure = infrastructurePer1000Usd === null ? 'not measured' : usd(infrastructurePer1000Usd);
  return (
    `${body}
Infrastructure per 1,000 campaign texts: ${infrastructure} (table 3). Chars: the body as written, ` +
    `its link https://acme.com/spring (23 characters); the name is rendered for "Alexandra". Smart ` +
    `encoding (sending.smartEncoding) sends GSM-7 look-alikes for the curly quote.`
  );
}

function inboundTable(rows: readonly InboundUsage[]): string {
  return table(
    [
      'keyword',
      'DDB reads',
      'DDB writes',
      'RRU',
      'WRU',
      'EUM calls',
      'events',
      'with follow-ups: DDB r/w',
      'EUM',
      'target',
    ],
    rows.map((r) => {
      const n = r.samples;
      const h = dynamoTotals(r.handler);
      const t = dynamoTotals(r.total);
      const calls = (u: Usage) =>
        Object.entries(smsCalls(u))
          .map(
            ([op, count]) =>
              `${num(count / n)} ${op.replace('Message', '').replace('OptedOutNumber', 'OptOut')}`,
          )
          .join(', ') || '0';
      const target =
        r.keyword === 'STOP'
          ? h.writeRequests / n <= 3 && (smsCalls(r.handler).SendTextMessage ?? 0) / n <= 1
            ? 'met (≤3 writes, 1 send)'
            : 'missed (≤3 writes, 1 send)'
          : '';
      return [
        r.keyword + (r.clean ? '' : ' *'),
        num(h.readRequests / n),
        num(h.writeRequests / n),
        num(h.readUnits / n, 1),
        num(h.writeUnits / n, 1),
        calls(r.handler),
        num(r.handler.busEvents / n),
        `${num(t.readRequests / n)} / ${num(t.writeRequests / n)}`,
        calls(r.total),
        target,
      ];
    }),
  );
}

function bundleTable(bundles: readonly BundleResult[]): string {
  return table(
    ['function', 'KB', 'map KB', 'deflated KB', 'init ms', '≤500 KB', 'largest packages (KB)'],
    bundles.map((b) => [
      b.name,
      kb(b.bytes),
      kb(b.sourceMapBytes),
      kb(b.deflatedBytes),
      num(b.initMs, 0),
      b.bytes <= TARGET_BYTES ? 'yes' : 'no',
      b.top
        .slice(0, 5)
        .map((t) => `${t.pkg} ${kb(t.bytes)}`)
        .join(', '),
    ]),
  );
}

function variantTable(bundles: readonly BundleResult[], variants: readonly VariantResult[]): string {
  const cdk = Object.fromEntries(bundles.map((b) => [b.name, b.bytes]));
  const cdkInit = Object.fromEntries(bundles.map((b) => [b.name, b.initMs]));
  const rows = [{ name: 'CDK configuration (deployed)', bytes: cdk, initMs: cdkInit }, ...variants].map(
    (v) => {
      const sizes = Object.values(v.bytes);
      const inits = Object.values(v.initMs ?? {});
      const saved = Object.entries(v.bytes).reduce((sum, [id, b]) => sum + ((cdk[id] ?? 0) - b), 0);
      return [
        v.name,
        kb(Math.min(...sizes)),
        kb(Math.max(...sizes)),
        kb(saved / Math.max(1, sizes.length)),
        `${sizes.filter((b) => b <= TARGET_BYTES).length}/${sizes.length}`,
        inits.length ? `${num(Math.min(...inits), 0)}–${num(Math.max(...inits), 0)}` : '—',
      ];
    },
  );
  return table(['esbuild options', 'min KB', 'max KB', 'saved KB/fn', '≤500 KB', 'init ms'], rows);
}

function scaleTable(scenarios: readonly ScaleScenario[]): string {
  const rows: [string, (s: ScaleScenario) => string][] = [
    ['send time at the MPS', (s) => seconds(s.sendHours * 3600)],
    ['days in the 08:00–21:00 window', (s) => String(s.sendingDays)],
    ['audience count (202 past 20 s)', (s) => seconds(s.estimateSeconds)],
    ['dispatch (900 s Lambda limit)', (s) => seconds(s.dispatchSeconds)],
    ['DynamoDB read units', (s) => num(s.readUnits, 0)],
    ['DynamoDB write units', (s) => num(s.writeUnits, 0)],
    ['peak WRU/s, all tables', (s) => num(s.peakWriteUnitsPerSecond, 0)],
    ['campaign item WCU/s (1 partition)', (s) => num(s.campaignItemWritesPerSecond, 0)],
    ['peak Lambda concurrency', (s) => String(s.peakLambdaConcurrency)],
    ['SQS depth (messages) / in flight', (s) => `${num(s.queuedMessages, 0)} / ${s.inFlightMessages}`],
    ['queue rounds overnight (messages)', (s) => num(s.heldMessageRounds, 0)],
    ['infrastructure cost (rounds incl.)', (s) => usd(s.infrastructureUsd)],
    ['SMS cost (US, 1 segment)', (s) => usd(s.messagingUsd)],
    ['binds first', (s) => s.bindsFirst],
  ];
  const scenarioTable = table(
    ['', ...scenarios.map((s) => `${num(s.subscribers / 1e6, 0)} M, ${s.label}`)],
    rows.map(([name, f]) => [name, ...scenarios.map(f)]),
  );
  const quotas = scenarios[0]?.quotas ?? [];
  const quotaTable = table(
    [
      'quota (demand / limit)',
      'limit',
      ...scenarios.map((s) => `${num(s.subscribers / 1e6, 0)} M @ ${s.mps}`),
      'source',
    ],
    quotas.map((q, i) => [
      q.name,
      q.limit,
      ...scenarios.map((s) => {
        const u = s.quotas[i]?.utilization ?? 0;
        return `${percent(u)}${u > 1 ? ' !' : ''}`;
      }),
      q.source,
    ]),
  );
  return `${scenarioTable}\n\n${quotaTable}`;
}

function profileTable(all: Record<string, readonly ProfileShare[]>): string {
  const profiles = Object.fromEntries(
    Object.entries(all).map(([rate, shares]) => [rate, bucketShares(shares)]),
  );
  const rates = Object.keys(profiles);
  const names = [...new Set(rates.flatMap((r) => (profiles[r] ?? []).map((s) => s.where)))];
  return table(
    ['where the CPU time went', ...rates.map((r) => `${r} MPS`)],
    names.map((name) => [
      name,
      ...rates.map((r) => {
        const share = profiles[r]?.find((s) => s.where === name)?.share;
        return share === undefined ? '' : `${(share * 100).toFixed(1)}%`;
      }),
    ]),
  );
}

/** The import case, with the machine's load when it started (the figure is this machine's). */
async function importRun(endpoints: number): Promise<ImportResult & { loadAverage: number }> {
  const loadAverage = loadavg()[0] ?? 0;
  const result = await runCase<ImportResult>({ kind: 'import', endpoints });
  return { ...result, loadAverage };
}

function importTitle(r: ImportResult): string {
  return `7. Import: optline import of a gzipped Pinpoint export of ${num(r.endpoints)} endpoints into the local runtime`;
}

function importTable(r: ImportResult & { loadAverage?: number }): string {
  const rows: [string, string][] = [
    ['file (gzipped JSON Lines)', `${kb(r.fileBytes)} KB`],
    ['rows read', num(r.report.rows)],
    ['created / updated', `${num(r.report.created)} / ${num(r.report.updated)}`],
    ['opted out / suppressed', `${num(r.report.optedOut)} / ${num(r.report.suppressed)}`],
    ['already imported (a batch sent again)', num(r.report.alreadyImported)],
    ['skipped / failed', `${num(r.report.skipped)} / ${num(r.report.failed)}`],
    ['wall time', seconds(r.seconds)],
    ['rows a second', num(r.rowsPerSecond, 0)],
    ['peak RSS of the command', `${kb(r.peakRssBytes / 1024)} MB`],
  ];
  if (r.loadAverage !== undefined) rows.push(['load average when it started', r.loadAverage.toFixed(1)]);
  return table(['import', 'value'], rows);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (options.print) {
    const last = JSON.parse(readFileSync(RESULTS, 'utf8')) as FullResults | { mode: 'quick' };
    if (last.mode !== 'full')
      throw new Error('bench/results.json holds a quick run; run `npm run bench` first');
    console.log(render(last));
    return;
  }
  const host = machine();
  const out: string[] = [headerOf(new Date().toISOString(), host), ''];
  const started = Date.now();

  if (options.importEndpoints !== undefined) {
    // The import row alone, written into the last full run's results (the other figures unchanged).
    const result = await importRun(options.importEndpoints);
    out.push(section(importTitle(result), importTable(result)));
    if (existsSync(RESULTS)) {
      const last = JSON.parse(readFileSync(RESULTS, 'utf8')) as FullResults | { mode: 'quick' };
      if (last.mode === 'full')
        writeFileSync(RESULTS, `${JSON.stringify({ ...last, import: result }, null, 2)}\n`);
    }
    console.log(out.join('\n'));
    return;
  }

  if (options.smsCost) {
    // The SMS cost table alone (computed, not measured), written into the last full run's results.
    const rows = smsCostRows(US_SMS_SEGMENT_USD);
    const last = existsSync(RESULTS)
      ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as FullResults | { mode: 'quick' })
      : undefined;
    if (last?.mode === 'full')
      writeFileSync(RESULTS, `${JSON.stringify({ ...last, smsCost: rows }, null, 2)}\n`);
    out.push(
      section(
        'SMS cost per 1,000 texts of three sample campaign bodies (US)',
        smsCostTable(rows, last?.mode === 'full' ? last.costPer1000Usd : null),
      ),
    );
    console.log(out.join('\n'));
    return;
  }

  if (options.acceptance) {
    const a = await acceptanceRuns();
    out.push(section('Campaign acceptance', acceptanceTable(a)));
    console.log(out.join('\n'));
    return;
  }

  if (options.mps !== undefined) {
    // Quick check: the throughput case alone; the other figures are carried over from the last full run.
    const { result, shares } = await throughputRun(
      options.recipients,
      options.mps,
      options.profile,
      options.throttleRate,
    );
    out.push(
      section(
        'Throughput (campaign to N eligible subscribers; ideal = N / MPS)',
        throughputTable([result], host.cpus),
      ),
    );
    if (shares) out.push(section('CPU profile', profileTable({ [String(options.mps)]: shares })));
    const previous = existsSync(RESULTS)
      ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>)
      : undefined;
    writeFileSync(
      RESULTS,
      `${JSON.stringify(
        {
          measuredAt: new Date().toISOString(),
          mode: 'quick',
          machine: host,
          throughput: [result],
          costPer1000Usd: previous?.costPer1000Usd ?? null,
          bundles: previous?.bundles ?? [],
          carriedOver: previous
            ? `costPer1000Usd and bundles from the run of ${String(previous.measuredAt)}`
            : 'no earlier full run: costPer1000Usd and bundles not measured',
          ...(shares ? { profile: shares } : {}),
        },
        null,
        2,
      )}\n`,
    );
    console.log(out.join('\n'));
    return;
  }

  // Packages first: esbuild is quick and the figures do not depend on the runtime.
  let bundles: BundleResult[] = [];
  let variants: VariantResult[] = [];
  if (!options.skipBundles) {
    log('bundling every function as CDK does …');
    bundles = await measureBundles();
    log('bundling variants …');
    variants = await measureVariants();
  }
  const inbound = await runCase<InboundUsage[]>({ kind: 'inboundCost', perKeyword: 3 });
  const welcome = await runCase<CaseUsage>({ kind: 'welcomeCost', subscribers: 10 });
  const cart = await runCase<CaseUsage>({ kind: 'cartCost', carts: 10 });
  // 100 MPS: below this machine's ceiling, so local durations are not stretched by a saturated CPU.
  const campaign = await runCase<CaseUsage>({ kind: 'campaignCost', recipients: 1000, mps: 100 });
  const faults = await runCase<FaultResult>({ kind: 'faults', recipients: options.recipients, mps: 1000 });
  const acceptance = await acceptanceRuns();
  const imported = await importRun(IMPORT_ENDPOINTS);
  const throughput: ThroughputResult[] = [];
  const profiles: Record<string, ProfileShare[]> = {};
  for (const mps of RATES) {
    const { result, shares } = await throughputRun(options.recipients, mps, options.profile);
    throughput.push(result);
    if (shares) profiles[String(mps)] = shares;
  }

  const costs = [
    summariseCost('campaign', campaign),
    summariseCost('welcome', welcome),
    summariseCost('cart', cart),
  ];
  const results: FullResults = {
    measuredAt: new Date().toISOString(),
    mode: 'full',
    machine: host,
    recipients: options.recipients,
    durationSeconds: (Date.now() - started) / 1000,
    throughput,
    acceptance,
    faults,
    costPer1000Usd: costs[0]?.infrastructurePer1000Usd ?? null,
    smsPer1000Usd: costs[0]?.messagingPer1000Usd ?? null,
    cost: costs,
    inbound,
    bundles,
    bundleVariants: variants,
    scale: scaleScenarios(perMessage(campaign.usage, campaign.units)),
    import: imported,
    smsCost: smsCostRows(US_SMS_SEGMENT_USD),
    ...(Object.keys(profiles).length > 0 ? { profiles } : {}),
  };
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(render(results));
}

interface FullResults {
  readonly measuredAt: string;
  readonly mode: 'full';
  readonly machine: ReturnType<typeof machine>;
  readonly recipients: number;
  readonly durationSeconds: number;
  readonly throughput: readonly ThroughputResult[];
  /** Absent from results written before it was measured. */
  readonly acceptance?: AcceptanceResult;
  readonly faults: FaultResult;
  readonly costPer1000Usd: number | null;
  readonly smsPer1000Usd: number | null;
  readonly cost: readonly CostSummary[];
  readonly inbound: readonly InboundUsage[];
  readonly bundles: readonly BundleResult[];
  readonly bundleVariants: readonly VariantResult[];
  readonly scale: readonly ScaleScenario[];
  /** Absent from results written before it was measured. */
  readonly import?: ImportResult & { readonly loadAverage?: number };
  /** Absent from results written before it was computed. */
  readonly smsCost?: readonly SmsCostRow[];
  readonly profiles?: Record<string, readonly ProfileShare[]>;
}

function headerOf(measuredAt: string, host: ReturnType<typeof machine>): string {
  return `Optline benchmark, ${measuredAt.slice(0, 10)}: ${host.cpuModel}, ${host.cpus} CPUs, ${host.memoryGb} GB, Node.js ${host.node}`;
}

/**
 * The printout of a full run (also `npm run bench -- --print` for the last one). Costs and the scale
 * model are derived again from the counted usage, so a change of bench/prices.json shows at once.
 */
function render(results: FullResults): string {
  const cost = results.cost.map((c) => summariseCost(c.name, c));
  const campaign = results.cost[0];
  const r: FullResults = {
    ...results,
    cost,
    scale: campaign ? scaleScenarios(perMessage(campaign.usage, campaign.units)) : results.scale,
  };
  const out: string[] = [headerOf(r.measuredAt, r.machine), ''];
  out.push(
    section(
      `1. Throughput: campaign to N eligible subscribers; ideal = N / MPS; target ratio ≤ ${TARGET_RATIO}`,
      throughputTable(r.throughput, r.machine.cpus),
    ),
  );
  if (r.profiles) out.push(section('CPU profile of the throughput runs', profileTable(r.profiles)));
  if (r.acceptance) {
    const a = r.acceptance;
    out.push(
      section(
        `Campaign acceptance: ${num(a.subscribers)} subscribers (2.5% each opted out, paused, error segment, recently texted), ${a.mps} MPS, ${a.throttleRate * 100}% of sends throttled`,
        acceptanceTable(a),
      ),
    );
  }
  const f = r.faults;
  out.push(
    section(
      `2. Faults: ${num(f.recipients)} subscribers (+ opted-out, paused, carrier-listed), 5% throttling, 1% 5xx, one sender crash, one sender killed mid-batch, 20 STOPs mid-run, ${num(f.mps)} MPS`,
      faultTable(f),
    ),
  );
  out.push(
    section(
      `3. Infrastructure cost per 1,000; target ≤ $${TARGET_INFRA_PER_1000} per 1,000 campaign texts`,
      `${costTable(r.cost)}\nSMS price: US base + carrier fee = ${usd(US_SMS_SEGMENT_USD)} a segment (lambdas/domain/sms-prices.ts).`,
    ),
  );
  if (r.bundles.length > 0) {
    out.push(
      section(
        '4. Lambda packages as CDK bundles them (minify, node22, cjs, SDK bundled); target ≤ 500 KB; init = require() in a fresh process',
        `${bundleTable(r.bundles)}\n\n${variantTable(r.bundles, r.bundleVariants)}`,
      ),
    );
  }
  out.push(
    section(
      "5. Inbound path, per text (the inbound handler; then with the replies' delivery reports and events)",
      inboundTable(r.inbound),
    ),
  );
  out.push(
    section(
      '6. Scale model (per-text counts of the campaign run; AWS latencies assumed, see bench/scale-model.ts)',
      scaleTable(r.scale),
    ),
  );
  if (r.import) out.push(section(importTitle(r.import), importTable(r.import)));
  out.push(
    section(
      '8. SMS cost per 1,000 texts of three sample campaign bodies (US), next to the infrastructure',
      smsCostTable(smsCostRows(US_SMS_SEGMENT_USD), r.costPer1000Usd),
    ),
  );
  out.push(`Measured in ${seconds(r.durationSeconds)}; results in bench/results.json.`);
  return out.join('\n');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
