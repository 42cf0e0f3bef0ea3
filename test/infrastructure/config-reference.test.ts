/** docs/config-reference.md is generated from the config schema; a stale copy fails here. */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { DeploymentConfigSchema } from '../../lib/config';
import { CONFIG_REFERENCE_PATH, renderConfigReference } from '../../scripts/config-reference';

describe('config reference', () => {
  it('is up to date with the schema (regenerate: npx tsx scripts/config-reference.ts)', async () => {
    const committed = readFileSync(CONFIG_REFERENCE_PATH, 'utf8');
    expect(committed).toBe(await renderConfigReference());
  });

  it('lists every key users can write, deployment and program settings alike', async () => {
    const markdown = await renderConfigReference();
    const schema = z.toJSONSchema(DeploymentConfigSchema, { io: 'input', unrepresentable: 'any' }) as {
      properties: Record<string, { properties?: Record<string, unknown> }>;
    };
    const keys = [
      ...Object.keys(schema.properties.program?.properties ?? {}),
      ...Object.keys(schema.properties).filter((key) => key !== 'program'),
    ];
    expect(keys).toEqual(expect.arrayContaining(['brand', 'origination', 'consentArchiveRetentionDays']));
    for (const key of keys) expect(markdown).toMatch(new RegExp(`^- \`${key}\` \\(`, 'm'));
  });

  it('documents the consent archive retention with its default and bounds', async () => {
    const markdown = await renderConfigReference();
    expect(markdown).toMatch(
      /^- `consentArchiveRetentionDays` \(integer; default `1825`; 1–36500\): Days each daily consent-log\s+export/m,
    );
  });
});
