/**
 * Items of an uploaded file read into a batch: the same rows, lines and drops as the command's
 * readers give for the same file, batch numbers from the items' positions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { readCsvFile, readPinpointFile } from '../../cli/import-input';
import { batchOfItems, lineOfItem, type ImportItem } from '../../lambdas/domain/import-items';
import { mappingOf } from '../../lambdas/domain/import-options';
import type { ReadLine } from '../../lambdas/domain/import-sources';

const FIXTURES = join(__dirname, '../fixtures/import');

async function commandRead(lines: AsyncGenerator<ReadLine>) {
  const rows = [];
  const dropped = [];
  for await (const read of lines) {
    if (read.kind === 'row') rows.push(read.row);
    else dropped.push({ line: read.line, reason: read.reason });
  }
  return { rows, dropped };
}

describe('batchOfItems', () => {
  it('reads CSV records keyed by the header as the command reads the file', async () => {
    const file = join(FIXTURES, 'klaviyo-profiles.csv');
    const spec = mappingOf('klaviyo', {});
    const records = parse(readFileSync(file), { columns: true, bom: true, trim: true }) as Record<
      string,
      string
    >[];
    const items: ImportItem[] = records.map((value, index) => ({ index, value }));
    const batch = batchOfItems('klaviyo', spec, items);
    const command = await commandRead(readCsvFile(file, spec!, true, () => undefined));
    expect(batch.batch).toBe(1);
    expect(batch.rows).toEqual(command.rows);
    expect(batch.rows[0]).toMatchObject({ line: 2, phone: '+12065550111', consent: 'opted_in' });
  });

  it('reads Pinpoint endpoints as the command does, dropping what is not SMS', async () => {
    const file = join(FIXTURES, 'pinpoint-export.jsonl');
    const values = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as unknown);
    const batch = batchOfItems(
      'pinpoint',
      undefined,
      values.map((value, index) => ({ index, value })),
    );
    const command = await commandRead(readPinpointFile(file, () => undefined));
    expect(batch.rows).toEqual(command.rows);
    expect(batch.dropped ?? []).toEqual(command.dropped);
    expect(command.dropped.map((d) => d.reason)).toContain('not_sms');
  });

  it('numbers the batch from the position of its first item, in any order', () => {
    const items = [150, 100, 199].map((index) => ({
      index,
      value: { Phone: `+1206555${String(index).padStart(4, '0')}`, Consent: 'yes' },
    }));
    const batch = batchOfItems('csv', mappingOf('csv', { map: ['phone=Phone', 'consent=Consent'] }), items);
    expect(batch.batch).toBe(101);
    expect(batch.rows.map((row) => row.line)).toEqual([102, 152, 201]);
  });

  it('numbers a batch Step Functions made smaller apart from the rest of its hundred', () => {
    const spec = mappingOf('csv', { map: ['phone=Phone'] });
    const item = (index: number) => ({
      index,
      value: { Phone: `+1206555${String(index).padStart(4, '0')}` },
    });
    const first = batchOfItems('csv', spec, [0, 1, 2].map(item));
    const second = batchOfItems('csv', spec, [3, 4].map(item));
    expect([first.batch, second.batch]).toEqual([1, 4]);
  });

  it('drops an item that is not a record as unreadable, on its line', () => {
    const batch = batchOfItems('csv', mappingOf('csv', { map: ['phone=Phone'] }), [
      { index: 0, value: ['+12065550100'] },
    ]);
    expect(batch).toEqual({ batch: 1, rows: [], dropped: [{ line: 2, reason: 'unreadable' }] });
  });

  it('counts a CSV header as line 1, and JSON Lines from 1', () => {
    expect(lineOfItem('csv', 0)).toBe(2);
    expect(lineOfItem('pinpoint', 0)).toBe(1);
  });
});
