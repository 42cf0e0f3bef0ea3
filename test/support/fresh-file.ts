/**
 * Setup of the `fresh` project (vitest.config.mts): its files share a worker process, as the
 * `shared` project's do, so the AWS SDK, dynalite, the ASL interpreter and aws-cdk-lib load once per
 * worker; but each file starts with this repository's modules evaluated anew (a handler's cold-start
 * caches, the memoised clients) and ends with the process as it found it: `process.env` restored,
 * stubs undone, and no local runtime left running. A file that changes what a reset cannot undo
 * fails here, naming what it left behind.
 */
import http from 'node:http';
import https from 'node:https';
import { afterAll, vi } from 'vitest';

vi.resetModules();
const environment = { ...process.env };
const requests = { http: http.request, https: https.request };

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
  // The X-Ray SDK, loaded by a tracer in a Lambda environment, patches every later request.
  if (http.request !== requests.http || https.request !== requests.https)
    throw new Error(
      'node:http or node:https was patched: list the file in vitest.config.mts OWN_PROCESS_FILES',
    );
});
