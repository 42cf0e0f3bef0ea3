/**
 * Synthesizes the stack for the local permission check in a process of its own and writes the part
 * of the template the check reads (./policy-template.ts, ./synthesized-template.ts):
 * `tsx local/iam/synthesize.ts <config.json> <out.json>`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { synthesizePolicyTemplate } from './policy-template';

const [configFile, outFile] = process.argv.slice(2);
if (!configFile || !outFile) throw new Error('usage: synthesize.ts <config.json> <out.json>');
const raw = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
writeFileSync(outFile, JSON.stringify(synthesizePolicyTemplate(resolve(__dirname, '..', '..'), raw)));
