/** The `semver.gte` bundled in place of the semver package (X-Ray SDK's only use of it). */
import { describe, expect, it } from 'vitest';
import semver, { gte } from '../../lambdas/adapters/semver-gte';

describe('semver gte', () => {
  it('compares major, minor and patch numerically', () => {
    expect(gte('2.1.35', '2.7.15')).toBe(false);
    expect(gte('2.7.15', '2.7.15')).toBe(true);
    expect(gte('2.10.0', '2.7.15')).toBe(true);
    expect(gte('3.0.0', '2.99.99')).toBe(true);
    expect(gte('v1.2.3-beta.1', '1.2.3')).toBe(true);
    expect(semver.gte('1.0.0', '1.0.1')).toBe(false);
  });

  it('refuses what is not a version', () => {
    expect(() => gte('latest', '1.0.0')).toThrow('Invalid Version');
  });
});
