import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventKeyOf, type ConsentLogEntry, type ConsentOutcome } from '../../lambdas/domain/consent';
import {
  chained,
  chainLinks,
  entryHash,
  GENESIS_HASH,
  verifyChain,
} from '../../lambdas/domain/consent-chain';

const PHONE = '+12065550123';

/** A consent log of `n` entries as the store writes them (outcome entries look the same to the chain). */
function entry(seq: number, body = `body ${seq}`): ConsentLogEntry {
  const outcome: ConsentOutcome = {
    phone: PHONE,
    eventKey: eventKeyOf(seq),
    seq,
    eventId: `sms-${seq}#effects_incomplete`,
    at: `2026-03-10T16:0${seq % 10}:00.000Z`,
    recordedAt: `2026-03-10T16:0${seq % 10}:00.000Z`,
    outcome: 'effects_incomplete',
    of: { seq: seq - 1, eventId: `sms-${seq - 1}` },
    failed: [{ step: 'reply', key: 'k', reason: 'opt_out_list', message: body }],
  };
  return outcome;
}

function log(n: number): ConsentLogEntry[] {
  const entries: ConsentLogEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const next = chained(entry(seq), prev);
    entries.push(next);
    prev = next.hash;
  }
  return entries;
}

describe('consent log hash chain', () => {
  it('finds an untouched log intact, its head the last hash', () => {
    const entries = log(4);
    const report = verifyChain(entries);
    expect(report).toEqual({ entries: 4, head: entries[3]!.hash, intact: true, breaks: [] });
    expect(entries[0]!.prevHash).toBe(GENESIS_HASH);
    expect(entries[2]!.prevHash).toBe(entries[1]!.hash);
  });

  it('reports a changed byte as a break at that entry only', () => {
    const entries = log(4);
    const tampered = entries.map((e) =>
      e.seq === 2 && 'failed' in e ? { ...e, failed: [{ ...e.failed[0]!, message: 'body 3' }] } : e,
    );
    const report = verifyChain(tampered);
    expect(report.intact).toBe(false);
    expect(report.breaks).toEqual([
      expect.objectContaining({
        seq: 2,
        eventKey: '0000000002',
        reason: 'hash_mismatch',
        found: entries[1]!.hash,
      }),
    ]);
  });

  it('reports a removed entry at the entry after it', () => {
    const entries = log(4);
    const report = verifyChain([entries[0]!, entries[2]!, entries[3]!]);
    expect(report.breaks.map((b) => [b.seq, b.reason])).toEqual([
      [3, 'sequence_gap'],
      [3, 'prev_hash_mismatch'],
    ]);
  });

  it('reports a rewritten entry with a recomputed hash at the entry after it', () => {
    const entries = log(3);
    const forged = chained({ ...entries[1]!, at: '2020-01-01T00:00:00.000Z' }, entries[0]!.hash!);
    const report = verifyChain([entries[0]!, forged, entries[2]!]);
    expect(report.breaks.map((b) => [b.seq, b.reason])).toEqual([[3, 'prev_hash_mismatch']]);
  });

  it('reports entries recorded before the chain as unchained', () => {
    const report = verifyChain([entry(1), entry(2)]);
    expect(report.breaks.map((b) => [b.seq, b.reason])).toEqual([
      [1, 'unchained'],
      [2, 'unchained'],
    ]);
    expect(report.head).toBeNull();
  });

  it('gives entries recorded before the chain the hashes a live append would have chained after', () => {
    const legacy = [entry(1), entry(2), entry(3)];
    const links = chainLinks(legacy);
    const migrated = legacy.map((e, i) => ({ ...e, ...links[i]! }));
    expect(verifyChain(migrated).intact).toBe(true);
    expect(migrated).toEqual(log(3));
  });

  it('hashes the canonical JSON: the order of keys and a stored `hash` do not matter', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.boolean())), (extra) => {
        const base = { ...entry(1), extra } as unknown as ConsentLogEntry;
        const reversed = Object.fromEntries(Object.entries(base).reverse()) as unknown as ConsentLogEntry;
        expect(entryHash(reversed, GENESIS_HASH)).toBe(entryHash(base, GENESIS_HASH));
        expect(entryHash({ ...base, hash: 'x' } as ConsentLogEntry, GENESIS_HASH)).toBe(
          entryHash(base, GENESIS_HASH),
        );
      }),
    );
  });

  it('chains the previous hash into the entry: the same entry after another hash differs', () => {
    expect(entryHash(entry(1), GENESIS_HASH)).not.toBe(entryHash(entry(1), 'a'.repeat(64)));
    expect(entryHash(entry(1), GENESIS_HASH)).toMatch(/^[0-9a-f]{64}$/);
  });
});
