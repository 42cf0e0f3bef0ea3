/**
 * Environment variable names are written in one place: lib/function-environment.ts for everything a
 * function reads or the platform sets for it, local/main.ts for `npm start`'s own settings. Every
 * string literal and `process.env` access in lib/, lambdas/ and local/ is read with the TypeScript
 * scanner (comments are not code).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CONTRACT_NAMES, PLATFORM_VARIABLES } from '../../lib/function-environment';

const ROOT = join(__dirname, '..', '..');
const CONTRACT = 'lib/function-environment.ts';
const RUNTIME_SETTINGS = 'local/main.ts';
const OWNED = new Set([...CONTRACT_NAMES, ...Object.values(PLATFORM_VARIABLES)]);

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|cjs|mjs)$/.test(entry.name) ? [path] : [];
  });
}

interface Found {
  /** Texts of string literals and template pieces. */
  readonly strings: string[];
  /** Identifiers: property names (`env.NAME`, `{ NAME: … }`) and variables. */
  readonly identifiers: string[];
  /** Names read or written as `process.env.NAME` or `process.env['NAME']`. */
  readonly accessed: string[];
}

function scan(file: string): Found {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const strings: string[] = [];
  const identifiers: string[] = [];
  const accessed: string[] = [];
  const isProcessEnv = (node: ts.Node) =>
    ts.isPropertyAccessExpression(node) && node.getText(source).replace(/\s/g, '') === 'process.env';
  const visit = (node: ts.Node): void => {
    if (
      ts.isStringLiteralLike(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node)
    )
      strings.push(node.text);
    if (ts.isIdentifier(node)) identifiers.push(node.text);
    if (ts.isPropertyAccessExpression(node) && isProcessEnv(node.expression)) accessed.push(node.name.text);
    if (
      ts.isElementAccessExpression(node) &&
      isProcessEnv(node.expression) &&
      ts.isStringLiteralLike(node.argumentExpression)
    )
      accessed.push(node.argumentExpression.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { strings, identifiers, accessed };
}

const files = ['lib', 'lambdas', 'local'].flatMap(sources).map((file) => file.split('\\').join('/'));
const found = new Map(files.map((file) => [relative('.', file), scan(file)]));

describe('environment variable names', () => {
  it('scans the sources it checks', () => {
    expect(found.get(CONTRACT)?.strings).toContain('PROFILES_TABLE');
    expect(found.get(RUNTIME_SETTINGS)?.accessed).toContain('OPTLINE_DATA_DIR');
    expect(found.size).toBeGreaterThan(100);
  });

  it('writes every name of the function contract in lib/function-environment.ts only', () => {
    const elsewhere: string[] = [];
    for (const [file, { strings, identifiers }] of found) {
      if (file === CONTRACT) continue;
      for (const name of OWNED) {
        const word = new RegExp(`(^|[^A-Z0-9_])${name}($|[^A-Z0-9_])`);
        if (strings.some((s) => word.test(s)) || identifiers.includes(name))
          elsewhere.push(`${file}: ${name}`);
      }
    }
    expect(elsewhere).toEqual([]);
  });

  it('reads process.env by name only in the contract and in npm start’s settings', () => {
    const reads = [...found].flatMap(([file, { accessed }]) =>
      file === CONTRACT || file === RUNTIME_SETTINGS ? [] : accessed.map((name) => `${file}: ${name}`),
    );
    expect(reads).toEqual([]);
  });

  it('writes npm start’s own settings in local/main.ts only, apart from the functions’ names', () => {
    const main = found.get(RUNTIME_SETTINGS);
    const settings = new Set([
      ...(main?.accessed ?? []),
      ...(main?.strings ?? []).filter((s) => /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(s)),
    ]);
    expect(settings).toContain('OPTLINE_PORT');
    expect([...settings].filter((name) => OWNED.has(name))).toEqual([]);
    const elsewhere = [...found].flatMap(([file, { strings, identifiers }]) =>
      file === RUNTIME_SETTINGS
        ? []
        : [...settings]
            .filter(
              (name) =>
                identifiers.includes(name) ||
                strings.some((s) => new RegExp(`(^|[^A-Z0-9_])${name}($|[^A-Z0-9_])`).test(s)),
            )
            .map((name) => `${file}: ${name}`),
    );
    expect(elsewhere).toEqual([]);
  });
});
