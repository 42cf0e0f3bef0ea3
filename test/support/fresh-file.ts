/**
 * Setup of the `fresh` project (vitest.config.mts): its files share a worker process, as the
 * `shared` project's do, so the AWS SDK, dynalite, the ASL interpreter and aws-cdk-lib load once per
 * worker; but each file starts with this repository's modules evaluated anew (a handler's cold-start
 * caches, the memoised clients) and ends with the process as it found it: `process.env` restored,
 * stubs undone, and no local runtime left running.
 */
import { afterAll, vi } from 'vitest';

vi.resetModules();
const environment = { ...process.env };

afterAll(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  // A running local runtime keeps `process.env` following its functions' invocations
  // (local/function-environments.ts) and the clock patched: the next file would run inside it.
  const running = Object.getOwnPropertyDescriptor(process, 'env')?.get !== undefined;
  for (const key of Object.keys(process.env)) if (!(key in environment)) delete process.env[key];
  Object.assign(process.env, environment);
  if (running)
    throw new Error('a local runtime is still running at the end of the file: stop it in afterAll');
});
