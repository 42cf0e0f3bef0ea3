/**
 * The consent log's hash chain: each entry of a number carries `prevHash`, the `hash` of the entry
 * before it (64 zeros for the first), and `hash`, the SHA-256 of the entry's canonical JSON (RFC 8785,
 * https://www.rfc-editor.org/rfc/rfc8785) with `prevHash` in it and `hash` left out. Changing a byte
 * of an entry changes its hash; removing or reordering entries breaks the next entry's `prevHash`.
 * So a log edited behind Optline's back (a console edit, a restore that lost entries) shows where,
 * and an archive copy whose hashes differ from the table's shows which side moved
 * (docs/consent-evidence.md).
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { ConsentLogEntry } from './consent';

/** `prevHash` of a number's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** The links an entry carries once chained. */
export interface ChainLinks {
  readonly prevHash: string;
  readonly hash: string;
}

/** The hash of `entry` chained after `prevHash` (its own `hash` and `prevHash`, if any, are ignored). */
export function entryHash(entry: ConsentLogEntry, prevHash: string): string {
  const { hash: _hash, prevHash: _prev, ...content } = entry as ConsentLogEntry & Partial<ChainLinks>;
  const text = canonicalize({ ...content, prevHash });
  if (text === undefined) throw new TypeError(`consent log entry ${entry.eventKey} has no JSON form`);
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** `entry` with its links, chained after `prevHash`. */
export function chained<E extends ConsentLogEntry>(entry: E, prevHash: string): E & ChainLinks {
  return { ...entry, prevHash, hash: entryHash(entry, prevHash) };
}

/**
 * The links of a number's entries, in order: an entry's stored links where it has them, else those it
 * gets chained after the entry before it (as stored, or as computed here). Appends and the migration
 * of entries recorded before the chain both use it, so they agree on every hash.
 */
export function chainLinks(entries: readonly ConsentLogEntry[]): ChainLinks[] {
  const links: ChainLinks[] = [];
  let prevHash = GENESIS_HASH;
  for (const entry of [...entries].sort((a, b) => a.seq - b.seq)) {
    const stored = storedLinks(entry);
    const link = stored ?? { prevHash, hash: entryHash(entry, prevHash) };
    links.push(link);
    prevHash = link.hash;
  }
  return links;
}

/** The hash an entry appended at `seq` chains after, given the entries before it. */
export function hashBefore(entries: readonly ConsentLogEntry[], seq: number): string {
  return chainLinks(entries.filter((e) => e.seq < seq)).at(-1)?.hash ?? GENESIS_HASH;
}

export function storedLinks(entry: ConsentLogEntry): ChainLinks | undefined {
  const { prevHash, hash } = entry as Partial<ChainLinks>;
  return typeof prevHash === 'string' && typeof hash === 'string' ? { prevHash, hash } : undefined;
}

export type ChainBreakReason =
  /** The entry has no hash (recorded before the chain, and not migrated). */
  | 'unchained'
  /** The entry's content does not give its stored hash: it was changed after it was written. */
  | 'hash_mismatch'
  /** `prevHash` is not the hash of the entry before: an entry before it was removed, replaced or moved. */
  | 'prev_hash_mismatch'
  /** A sequence number is missing before this entry. */
  | 'sequence_gap';

export interface ChainBreak {
  readonly seq: number;
  readonly eventKey: string;
  readonly reason: ChainBreakReason;
  /** What the chain says the value should be (a hash, or the seq expected). */
  readonly expected?: string;
  /** What the entry holds. */
  readonly found?: string;
}

export interface ChainReport {
  readonly entries: number;
  /** The last entry's stored hash: what a certificate or an archive copy is compared with. */
  readonly head: string | null;
  readonly intact: boolean;
  readonly breaks: readonly ChainBreak[];
}

/** Recomputes a number's chain from its entries as stored and lists every break, in order. */
export function verifyChain(entries: readonly ConsentLogEntry[]): ChainReport {
  const breaks: ChainBreak[] = [];
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  const sorted = [...entries].sort((a, b) => a.seq - b.seq);
  for (const entry of sorted) {
    const at = { seq: entry.seq, eventKey: entry.eventKey };
    if (entry.seq !== expectedSeq)
      breaks.push({ ...at, reason: 'sequence_gap', expected: String(expectedSeq), found: String(entry.seq) });
    const links = storedLinks(entry);
    if (!links) {
      breaks.push({ ...at, reason: 'unchained' });
      prevHash = entryHash(entry, prevHash);
    } else {
      if (links.prevHash !== prevHash)
        breaks.push({ ...at, reason: 'prev_hash_mismatch', expected: prevHash, found: links.prevHash });
      const recomputed = entryHash(entry, links.prevHash);
      if (recomputed !== links.hash)
        breaks.push({ ...at, reason: 'hash_mismatch', expected: recomputed, found: links.hash });
      prevHash = links.hash;
    }
    expectedSeq = entry.seq + 1;
  }
  const last = sorted.at(-1);
  return {
    entries: sorted.length,
    head: last ? (storedLinks(last)?.hash ?? null) : null,
    intact: breaks.length === 0,
    breaks,
  };
}
