/**
 * Summarises a V8 CPU profile (`node --cpu-prof`) by where the time went: npm package, this
 * repository's folders, Node.js internals, garbage collection, idle.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileShare {
  readonly where: string;
  readonly share: number;
}

/** Shares of CPU time by group (package, folder, Node.js module), largest first. */
export function summariseProfile(file: string, top = Infinity): ProfileShare[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byGroup = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    total += delta;
    const node = nodes.get(id);
    const group = node ? groupOf(node) : '(unknown)';
    byGroup.set(group, (byGroup.get(group) ?? 0) + delta);
  });
  return [...byGroup]
    .map(([where, time]) => ({ where, share: time / Math.max(1, total) }))
    .sort((a, b) => b.share - a.share)
    .slice(0, top);
}

const DYNALITE = /^(dynalite|.*level.*|lazy|big\.js|buffer-crc32|async|lock|module-error|once)$/;

/** Coarse buckets of the fine groups: what a reader of the report needs. */
export function bucketOf(where: string): string {
  if (
    where.startsWith('@aws-sdk/') ||
    where.startsWith('@smithy/') ||
    where === 'bowser' ||
    where === 'tslib'
  )
    return 'AWS SDK (request building, middleware, SigV4, parsing)';
  if (DYNALITE.test(where)) return 'dynalite + LevelDB (DynamoDB)';
  if (where === 'node:crypto') return 'Node.js crypto (SigV4 hashes, ids)';
  if (where.startsWith('node:')) return 'Node.js HTTP, sockets, streams, timers';
  if (where === '(garbage collection)') return 'garbage collection';
  if (where === '(native, microtasks)') return 'native code, promise microtasks';
  if (where === '(idle)') return 'idle';
  if (where.startsWith('lambdas/')) return 'Optline handler code (lambdas/)';
  if (where.startsWith('local/')) return 'local runtime and emulators (local/)';
  return 'other packages (zod, liquidjs, Powertools, middy, tsx…)';
}

/** The shares summed by bucket. */
export function bucketShares(shares: readonly ProfileShare[]): ProfileShare[] {
  const sums = new Map<string, number>();
  for (const share of shares)
    sums.set(bucketOf(share.where), (sums.get(bucketOf(share.where)) ?? 0) + share.share);
  return [...sums].map(([where, share]) => ({ where, share })).sort((a, b) => b.share - a.share);
}

function groupOf(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (functionName === '(idle)') return '(idle)';
  if (functionName === '(garbage collector)') return '(garbage collection)';
  if (!url) return '(native, microtasks)';
  const pkg = url
    .match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)
    ?.at(-1)
    ?.replace('node_modules/', '');
  if (pkg) return pkg;
  if (url.startsWith('node:')) {
    const part = url.replace(/^node:(internal\/)?/, '').split('/')[0] ?? '';
    return `node:${part.startsWith('_http') ? 'http' : part.replace(/^_/, '')}`;
  }
  const local = url.match(/\/(lambdas|local|bench|lib|test)\/(?:([^/]+)\/)?/);
  return local ? `${local[1]}/${local[2] ?? ''}` : url;
}
