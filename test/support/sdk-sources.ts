/** The installed AWS SDK's code, for tests that check what the bundling may leave out. */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ROOT } from './root';

export { ROOT };
const require = createRequire(join(ROOT, 'package.json'));

/** Files under `dir` (at any depth) whose name ends with `extension`. */
export function filesUnder(dir: string, extension: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(extension))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Every `@aws-sdk/client-*` package the Lambda code imports. */
export function clientsTheLambdasUse(): string[] {
  const clients = new Set<string>();
  for (const file of filesUnder(join(ROOT, 'lambdas'), '.ts')) {
    for (const match of readFileSync(file, 'utf8').matchAll(/from '(@aws-sdk\/client-[\w-]+)'/g)) {
      clients.add(match[1] ?? '');
    }
  }
  return [...clients].sort();
}

/** The ES-module build of an installed package. */
export function distEs(pkg: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), 'dist-es');
}

/** The `.js` files of the packages that contain `text`, as `<package>/dist-es/<path>`. */
export function filesContaining(packages: readonly string[], text: string): string[] {
  return packages.flatMap((pkg) =>
    filesUnder(distEs(pkg), '.js')
      .filter((file) => readFileSync(file, 'utf8').includes(text))
      .map((file) => `${pkg}/${file.slice(file.indexOf('dist-es'))}`),
  );
}
