/**
 * The API's description lives outside the Lambdas: no function bundle carries the route registry,
 * the response schemas, the generator, the client or the CLI (bundle sizes matter: lib/bundling.ts).
 * The description route bundles the generated document as data.
 */
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployedBundlesOptions } from '../../lib/bundling';
import { functions, type FunctionId } from '../../lib/catalog';
import { loadLocalConfig } from '../../local/load-config';
import { ROOT } from '../support/root';

const HTTP_FUNCTIONS = (Object.keys(functions) as FunctionId[]).filter(
  (id) => functions[id].trigger.kind === 'http',
);

interface Bundle {
  /** Every module esbuild read for it, as a build of this function alone lists them. */
  readonly inputs: string[];
  readonly bytes: number;
}

/**
 * The HTTP functions bundled as deployed, in one esbuild run (17 bundles in 6 s rather than 31 s one
 * build at a time). A function's inputs are those reachable from its entry
 * point, the very list a build of it alone gives (compared for every function when this was written).
 */
async function bundleAll(ids: readonly FunctionId[]): Promise<Map<FunctionId, Bundle>> {
  const entries = Object.fromEntries(ids.map((id) => [id, functions[id].entry]));
  const result = await build({
    ...deployedBundlesOptions(ROOT, entries, '/tmp/optline-handler-bundles', loadLocalConfig(ROOT).program),
    write: false,
    sourcemap: false,
  });
  const metafile = result.metafile!;
  return new Map(
    ids.map((id) => {
      const output = Object.values(metafile.outputs).find(
        (o) => o.entryPoint === functions[id].entry.replace(/^\.\//, ''),
      );
      if (!output) throw new Error(`no bundle for ${id}`);
      return [id, { inputs: reachable(metafile, output.entryPoint!), bytes: output.bytes }];
    }),
  );
}

function reachable(metafile: Metafile, entry: string): string[] {
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const imported of metafile.inputs[path]?.imports ?? []) if (!imported.external) visit(imported.path);
  };
  visit(entry);
  return [...seen];
}

describe('API handler bundles', () => {
  let bundles: Map<FunctionId, Bundle>;

  beforeAll(async () => {
    bundles = await bundleAll([...new Set<FunctionId>([...HTTP_FUNCTIONS, 'apiDescription'])]);
  }, 120_000);

  it.each(HTTP_FUNCTIONS)('%s carries none of the description, the client or the CLI', (id) => {
    const { inputs } = bundles.get(id)!;
    expect(inputs.length).toBeGreaterThan(1);
    expect(inputs.filter((path) => /^(lib\/api|scripts|client|cli)\//.test(path))).toEqual([]);
  });

  it('the description route carries the document as data, not the schemas that made it', () => {
    const { inputs, bytes } = bundles.get('apiDescription')!;
    expect(inputs).toContain('docs/openapi.json');
    // Neither the registry nor the schemas it reads (zod itself comes with the environment check).
    expect(inputs.filter((path) => /^lib\/api\/|-request\.ts$|commerce-events\.ts$/.test(path))).toEqual([]);
    // 209 KB on 2026-12-02 before the environment check, the document about 78 KB of it; 317 KB
    // once the document described the privacy and certificate routes. It grows with the API.
    expect(bytes).toBeLessThan(350_000);
  });
});
