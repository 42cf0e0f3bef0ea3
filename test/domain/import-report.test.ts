import { describe, expect, it } from 'vitest';
import { addOutcome, emptyReport, mergeReports, SAMPLE_LINES } from '../../lambdas/domain/import-report';

describe('import report', () => {
  it('counts each row once, under its outcome', () => {
    let report = emptyReport();
    report = addOutcome(report, 2, { kind: 'created' });
    report = addOutcome(report, 3, { kind: 'opted_out' });
    report = addOutcome(report, 4, { kind: 'skipped', reason: 'invalid_number' });
    report = addOutcome(report, 5, { kind: 'failed', error: 'ConcurrentConsentChangeError' });
    expect(report).toMatchObject({ rows: 4, created: 1, optedOut: 1, updated: 0 });
    expect(report.skipped).toEqual({ invalid_number: { count: 1, lines: [4] } });
    expect(report.failed).toEqual({ count: 1, lines: [{ line: 5, error: 'ConcurrentConsentChangeError' }] });
  });

  it(`lists the first ${SAMPLE_LINES} lines of a reason and counts the rest`, () => {
    let report = emptyReport();
    for (let line = 10; line < 20; line++)
      report = addOutcome(report, line, { kind: 'skipped', reason: 'duplicate' });
    expect(report.skipped.duplicate).toEqual({ count: 10, lines: [10, 11, 12, 13, 14] });
  });

  it('adds the reports of batches, keeping the first lines in line order', () => {
    const later = addOutcome(emptyReport(), 900, { kind: 'skipped', reason: 'no_consent' });
    const earlier = addOutcome(addOutcome(emptyReport(), 5, { kind: 'skipped', reason: 'no_consent' }), 6, {
      kind: 'updated',
    });
    const total = mergeReports(later, earlier);
    expect(total).toMatchObject({ rows: 3, updated: 1 });
    expect(total.skipped.no_consent).toEqual({ count: 2, lines: [5, 900] });
  });
});
