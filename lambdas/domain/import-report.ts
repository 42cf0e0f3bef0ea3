/**
 * An import's report: every row counted once, under exactly one outcome, with the first lines of
 * each skip reason and failure. A batch's report is stored with the batch; the import's report is
 * the sum of its batches' (and of the lines the reader dropped), so a resumed import counts each row
 * once however often it was sent.
 */
import type { ImportSkipReason } from './import-rules';

/** Lines listed per reason. */
export const SAMPLE_LINES = 5;

export type RowOutcome =
  /** A new profile, subscribed. */
  | { readonly kind: 'created' }
  /** An existing profile subscribed, or given the imported properties. */
  | { readonly kind: 'updated' }
  | { readonly kind: 'opted_out' }
  | { readonly kind: 'suppressed' }
  /** An earlier run of the same import recorded this line's change already. */
  | { readonly kind: 'already_imported' }
  | { readonly kind: 'skipped'; readonly reason: ImportSkipReason }
  /** Could not be written (the import exits 1 and names the lines). */
  | { readonly kind: 'failed'; readonly error: string };

export interface LineSample {
  readonly count: number;
  readonly lines: readonly number[];
}

export interface ImportReport {
  readonly rows: number;
  readonly created: number;
  readonly updated: number;
  readonly optedOut: number;
  readonly suppressed: number;
  readonly alreadyImported: number;
  readonly skipped: Readonly<Partial<Record<ImportSkipReason, LineSample>>>;
  readonly failed: { readonly count: number; readonly lines: readonly { line: number; error: string }[] };
}

export function emptyReport(): ImportReport {
  return {
    rows: 0,
    created: 0,
    updated: 0,
    optedOut: 0,
    suppressed: 0,
    alreadyImported: 0,
    skipped: {},
    failed: { count: 0, lines: [] },
  };
}

const COUNTERS = {
  created: 'created',
  updated: 'updated',
  opted_out: 'optedOut',
  suppressed: 'suppressed',
  already_imported: 'alreadyImported',
} as const;

export function addOutcome(report: ImportReport, line: number, outcome: RowOutcome): ImportReport {
  const rows = report.rows + 1;
  if (outcome.kind === 'skipped') {
    const current = report.skipped[outcome.reason] ?? { count: 0, lines: [] };
    return {
      ...report,
      rows,
      skipped: {
        ...report.skipped,
        [outcome.reason]: {
          count: current.count + 1,
          lines: current.lines.length < SAMPLE_LINES ? [...current.lines, line] : current.lines,
        },
      },
    };
  }
  if (outcome.kind === 'failed') {
    const { failed } = report;
    return {
      ...report,
      rows,
      failed: {
        count: failed.count + 1,
        lines:
          failed.lines.length < SAMPLE_LINES
            ? [...failed.lines, { line, error: outcome.error }]
            : failed.lines,
      },
    };
  }
  const counter = COUNTERS[outcome.kind];
  return { ...report, rows, [counter]: report[counter] + 1 };
}

/** Two reports as one: counts added, the first lines of each kept in line order. */
export function mergeReports(a: ImportReport, b: ImportReport): ImportReport {
  const skipped: Partial<Record<ImportSkipReason, LineSample>> = { ...a.skipped };
  for (const [reason, sample] of Object.entries(b.skipped) as [ImportSkipReason, LineSample][]) {
    const current = skipped[reason];
    skipped[reason] = current
      ? {
          count: current.count + sample.count,
          lines: [...current.lines, ...sample.lines].sort((x, y) => x - y).slice(0, SAMPLE_LINES),
        }
      : sample;
  }
  return {
    rows: a.rows + b.rows,
    created: a.created + b.created,
    updated: a.updated + b.updated,
    optedOut: a.optedOut + b.optedOut,
    suppressed: a.suppressed + b.suppressed,
    alreadyImported: a.alreadyImported + b.alreadyImported,
    skipped,
    failed: {
      count: a.failed.count + b.failed.count,
      lines: [...a.failed.lines, ...b.failed.lines].sort((x, y) => x.line - y.line).slice(0, SAMPLE_LINES),
    },
  };
}
