/** X-Ray tracing of every AWS SDK client the functions use (Powertools Tracer). */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

const LAMBDA_ENV = { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', AWS_REGION: 'us-east-1' };

/** The middleware names on each client, from a fresh copy of the modules under `env`. */
async function clientMiddleware(env: Record<string, string>): Promise<Record<string, string[]>> {
  vi.resetModules();
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  const clients = await import('../../lambdas/adapters/aws-clients.js');
  const names = (client: { middlewareStack: { identify(): string[] } }) => client.middlewareStack.identify();
  return {
    dynamo: names(clients.dynamoClient()),
    sms: names(clients.smsClient()),
    events: names(clients.eventsClient()),
    sfn: names(clients.sfnClient()),
  };
}

describe('tracing', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('instruments every client with X-Ray in a Lambda execution environment', async () => {
    const middleware = await clientMiddleware(LAMBDA_ENV);
    for (const [client, names] of Object.entries(middleware)) {
      expect(
        names.some((name) => /xray/i.test(name)),
        client,
      ).toBe(true);
    }
  });

  it('leaves the clients untouched when tracing is off (the local runtime) or outside Lambda', async () => {
    const off = await clientMiddleware({ ...LAMBDA_ENV, POWERTOOLS_TRACE_ENABLED: 'false' });
    const outside = await clientMiddleware({ AWS_EXECUTION_ENV: '', AWS_REGION: 'us-east-1' });
    for (const names of [...Object.values(off), ...Object.values(outside)]) {
      expect(names.some((name) => /xray/i.test(name))).toBe(false);
    }
  });

  it('loads the X-Ray SDK without its async hooks where tracing is off', () => {
    // A fresh process each time: the SDK decides its mode once, when it loads.
    const hooks = (env: Record<string, string>) =>
      execFileSync(
        process.execPath,
        [
          '--import',
          'tsx',
          '-e',
          "await import('./lambdas/adapters/tracer.ts'); " +
            'console.log(JSON.stringify(Object.keys(process.namespaces ?? {})))',
        ],
        {
          cwd: resolve(__dirname, '../..'),
          env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', ...env },
          encoding: 'utf8',
        },
      ).trim();
    expect(hooks({})).toBe('[]');
    expect(hooks({ ...LAMBDA_ENV, POWERTOOLS_TRACE_ENABLED: 'false' })).toBe('[]');
    expect(hooks(LAMBDA_ENV)).toBe('["AWSXRay"]');
  });
});
