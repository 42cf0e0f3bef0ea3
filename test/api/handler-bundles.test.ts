/**
 * The API's description lives outside the Lambdas: no function bundle carries the route registry,
 * the response schemas, the generator, the client or the CLI (bundle sizes matter: lib/bundling.ts).
 * The description route bundles the generated document as data.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { deployedBuildOptions } from '../../lib/bundling';
import { functions, type FunctionId } from '../../lib/catalog';
import { loadLocalConfig } from '../../local/load-config';
import { ROOT } from '../support/root';

const HTTP_FUNCTIONS = (Object.keys(functions) as FunctionId[]).filter(
  (id) => functions[id].trigger.kind === 'http',
);

async function bundleInputs(id: FunctionId) {
  const result = await build({
    ...deployedBuildOptions(ROOT, functions[id].entry, `/tmp/${id}.js`, loadLocalConfig(ROOT).program),
    write: false,
    sourcemap: false,
  });
  return { inputs: Object.keys(result.metafile!.inputs), bytes: result.outputFiles![0]!.contents.length };
}

describe('API handler bundles', () => {
  it.each(HTTP_FUNCTIONS)('%s carries none of the description, the client or the CLI', async (id) => {
    const { inputs } = await bundleInputs(id);
    expect(inputs.filter((path) => /^(lib\/api|scripts|client|cli)\//.test(path))).toEqual([]);
  });

  it('the description route carries the document as data, not the schemas that made it', async () => {
    const { inputs, bytes } = await bundleInputs('apiDescription');
    expect(inputs).toContain('docs/openapi.json');
    // Neither the registry nor the schemas it reads (zod itself comes with the environment check).
    expect(inputs.filter((path) => /^lib\/api\/|-request\.ts$|commerce-events\.ts$/.test(path))).toEqual([]);
    // 209 KB on 2026-12-02 before the environment check, the document about 78 KB of it; 317 KB
    // once the document described the privacy and certificate routes. It grows with the API.
    expect(bytes).toBeLessThan(350_000);
  });
});
