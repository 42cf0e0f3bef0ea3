/**
 * Bundled in place of the `semver` package (lib/bundling.ts ALIASES). Its only user in a Lambda
 * bundle is the X-Ray SDK's patcher for AWS SDK v2 (`captureAWS`, which checks the v2 SDK's version
 * with `semver.gte`), and Optline never calls it (v3 clients are captured one by one); the full
 * package would add 28 KB to every function. `gte` compares `major.minor.patch`, ignoring any
 * pre-release or build suffix.
 */
function parts(version: string): number[] {
  const core = /^v?(\d+)\.(\d+)\.(\d+)/.exec(String(version).trim());
  if (!core) throw new TypeError(`Invalid Version: ${version}`);
  return [Number(core[1]), Number(core[2]), Number(core[3])];
}

export function gte(a: string, b: string): boolean {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  }
  return true;
}

export default { gte };
