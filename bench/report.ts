/**
 * Plain-text tables for the benchmark's printout (scripts/generate-docs.ts copies it into
 * bench/README.md).
 */

export type Cell = string | number;

/** Cells right-aligned: numbers, money, percentages, sizes and durations ("$0.01", "1.05×", "16.7 min"). */
const NUMERIC = /^[-$≈~]?[\d.,]+(\s?(%|×|KB|MB|ms|s|min|h))?( !)?$/;

export function table(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((row) => row.map((cell) => (typeof cell === 'number' ? num(cell) : cell)));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => {
        const width = widths[i] ?? 0;
        // Numbers (and figures like "$0.01" or "1.05×") right-aligned, words left-aligned.
        return NUMERIC.test(cell) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n');
}

/** A number with thousands separators and up to `digits` decimals. */
export function num(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const decimals = abs >= 100 || Number.isInteger(value) ? 0 : abs >= 1 ? Math.min(digits, 2) : digits + 1;
  return value.toLocaleString('en-US', { maximumFractionDigits: decimals, minimumFractionDigits: 0 });
}

export function usd(value: number): string {
  if (value === 0) return '$0';
  if (Math.abs(value) >= 100) return `$${Math.round(value).toLocaleString('en-US')}`;
  if (Math.abs(value) >= 1) return `$${value.toFixed(2)}`;
  const digits = Math.max(2, -Math.floor(Math.log10(Math.abs(value))) + 1);
  return `$${value.toFixed(Math.min(digits, 8))}`;
}

export function kb(bytes: number): string {
  return `${Math.round(bytes / 1024).toLocaleString('en-US')}`;
}

export function seconds(value: number): string {
  if (value >= 3600) return `${(value / 3600).toFixed(1)} h`;
  if (value >= 120) return `${(value / 60).toFixed(1)} min`;
  return `${value.toFixed(value >= 10 ? 0 : 1)} s`;
}

/** A share as a percentage without exponents: 0.7%, 15%, 167%. */
export function percent(share: number): string {
  const value = share * 100;
  return `${value >= 10 ? Math.round(value).toLocaleString('en-US') : Number(value.toPrecision(2))}%`;
}

export function section(title: string, body: string): string {
  return `${title}\n${'='.repeat(title.length)}\n${body}\n`;
}
