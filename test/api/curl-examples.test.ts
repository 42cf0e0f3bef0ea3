/**
 * The copy-paste examples of docs/api.md, run as written with curl (its own SigV4 implementation,
 * independent of the AWS SDK's) against the local runtime with signatures required on IAM routes:
 * every one passes the gateway and reaches its handler; with a wrong secret, the IAM ones get 403.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogRoutes } from '../../lib/api/routes';
import { LOCAL_CREDENTIALS } from '../../local/signature-check';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { ROOT, startTestRuntime, type TestRuntime } from '../support/local-runtime';

const doc = readFileSync(resolve(ROOT, 'docs', 'api.md'), 'utf8');

/** The sh block under `### \`METHOD /path\``. */
function example(route: string): string {
  const section = doc.split(`### \`${route}\``)[1] ?? '';
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error(`no example for ${route}`);
  return block.trim();
}

describe('the curl examples of docs/api.md', () => {
  let runtime: TestRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime({
      config: KEYWORDS_ONLY,
      auth: { requireIam: true, credentials: LOCAL_CREDENTIALS },
    });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  const curl = (command: string, secret = LOCAL_CREDENTIALS.secretAccessKey, sessionToken = '') =>
    new Promise<{ status: number; errorType: string | undefined; body: string }>((done, fail) => {
      execFile(
        'bash',
        ['-c', `${command} -s -D - -w '\\n%{http_code}'`],
        {
          env: {
            PATH: process.env.PATH ?? '',
            OPTLINE_API_URL: runtime.url,
            AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
            AWS_SECRET_ACCESS_KEY: secret,
            AWS_SESSION_TOKEN: sessionToken,
          },
        },
        (error, stdout) => {
          if (error) return fail(error);
          const lines = stdout.trimEnd().split('\n');
          const status = Number(lines.at(-1));
          const errorType = /^x-amzn-errortype: (\S+)/im.exec(stdout)?.[1];
          done({ status, errorType, body: lines.slice(0, -1).join('\n') });
        },
      );
    });

  it.each(catalogRoutes().map((r) => [r.key, r.auth] as const))(
    '%s: signed as written, it reaches the handler',
    async (route, auth) => {
      const answer = await curl(example(route));
      expect(answer.errorType, answer.body).toBeUndefined();
      expect(answer.status, answer.body).not.toBe(403);
      expect(answer.status).toBeLessThan(500);
      if (auth === 'iam') {
        const refused = await curl(example(route), 'not-the-secret');
        expect(refused.status).toBe(403);
        expect(refused.errorType).toBe('InvalidSignatureException');
      }
    },
  );

  it('posts the CartAbandoned of the example, and the profile is read with the number as written', async () => {
    expect((await curl(example('POST /v1/events'))).status).toBe(202);
    const profile = await curl(example('GET /v1/profiles/{phone}'));
    expect(profile.status).toBe(200);
    expect(profile.body).toContain('"phone":"+12065550100"');
  });

  it('signs the session token of temporary credentials', async () => {
    const answer = await curl(
      example('GET /v1/profiles/{phone}'),
      LOCAL_CREDENTIALS.secretAccessKey,
      'FwoGZXIvYXdzEXAMPLE',
    );
    expect(answer.status, answer.body).toBe(200);
  });
});
