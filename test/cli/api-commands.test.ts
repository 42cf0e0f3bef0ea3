/**
 * The API commands of `npx optline` as a user runs them, against the local runtime with signatures
 * required on IAM routes (OPTLINE_LOCAL_AUTH=iam): the CLI signs with the local key pair, finds the
 * API from a stack's outputs (a CloudFormation endpoint answering DescribeStacks), and exits 0, 1 on
 * an API error, 2 on bad usage. The commands run through the CLI's `main` in this process with the
 * directory and environment a user's shell gives (test/support/optline-cli.ts); bin/optline-cli.cjs
 * itself runs where the claim is about the executable: its output and exit codes 0 and 1, and the
 * AWS credentials it takes from its process environment (exit code 2: test/cli/preview.test.ts).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/optline';
import { LOCAL_CREDENTIALS } from '../../local/signature-check';
import { COMPLIANT_DISCLOSURE, KEYWORDS_ONLY } from '../support/fixtures';
import { optlineInProcess } from '../support/optline-cli';
import { ROOT, startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime';

const LAUNCHER = resolve(ROOT, 'bin/optline-cli.cjs');
const START = new Date('2026-03-10T16:00:00Z');
const PHONE = '+12065550401';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe('optline API commands', () => {
  let runtime: TestRuntime;
  let dir: string;
  let cloudFormation: Server;
  let cloudFormationUrl: string;

  /** The environment of a developer with no AWS credentials set. */
  const baseEnv = () => {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env))
      if (value !== undefined && !key.startsWith('AWS_') && !key.startsWith('OPTLINE_')) env[key] = value;
    return env;
  };

  /** `optline …` in this process (see the file comment). */
  const optline = (args: string[], env: Record<string, string> = {}): Promise<Run> =>
    optlineInProcess(args, { cwd: dir, env: { ...baseEnv(), OPTLINE_API_URL: runtime.url, ...env } });
  /** `optline …` as a user's shell runs it: node bin/optline-cli.cjs in its own process. */
  const spawned = (args: string[], env: Record<string, string> = {}): Promise<Run> =>
    new Promise((done) => {
      execFile(
        process.execPath,
        [LAUNCHER, ...args],
        { cwd: dir, env: { ...baseEnv(), OPTLINE_API_URL: runtime.url, ...env } },
        (error, stdout, stderr) => done({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
      );
    });
  const json = async <T = Record<string, unknown>>(
    args: string[],
    env: Record<string, string> = {},
    how: typeof optline = optline,
  ) => {
    const run = await how([...args, '--json'], env);
    expect(run.stderr, run.stderr).toBe('');
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout) as T;
  };
  const file = (name: string, body: unknown) => {
    writeFileSync(join(dir, name), JSON.stringify(body));
    return name;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'optline-cli-'));
    runtime = await startTestRuntime({
      clockStart: START,
      config: KEYWORDS_ONLY,
      auth: { requireIam: true, credentials: LOCAL_CREDENTIALS },
    });
    // CloudFormation's query protocol: DescribeStacks answers the stack's outputs.
    cloudFormation = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const stack = new URLSearchParams(body).get('StackName');
        res.setHeader('content-type', 'text/xml');
        // A team's own stack with the construct in it: the output's key carries the construct's path.
        const shopOutputs = `<member><OutputKey>ShopBucketName</OutputKey><OutputValue>shop-assets</OutputValue></member><member><OutputKey>SmsApiUrl5E9A3C1B</OutputKey><OutputValue>${runtime.url}/</OutputValue></member>`;
        if (stack === 'shop-test') {
          res.end(
            `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>shop-test</StackName><StackId>arn:aws:cloudformation:us-east-1:111122223333:stack/shop-test/1</StackId><CreationTime>2026-03-01T00:00:00Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus><Outputs>${shopOutputs}</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r-3</RequestId></ResponseMetadata></DescribeStacksResponse>`,
          );
          return;
        }
        if (stack !== 'optline-test') {
          res.statusCode = 400;
          res.end(
            `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${stack} does not exist</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
          );
          return;
        }
        res.end(
          `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>optline-test</StackName><StackId>arn:aws:cloudformation:us-east-1:111122223333:stack/optline-test/1</StackId><CreationTime>2026-03-01T00:00:00Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus><Outputs><member><OutputKey>ApiUrl</OutputKey><OutputValue>${runtime.url}/</OutputValue></member></Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></DescribeStacksResponse>`,
        );
      });
    });
    await new Promise<void>((r) => cloudFormation.listen(0, '127.0.0.1', r));
    cloudFormationUrl = `http://127.0.0.1:${(cloudFormation.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => cloudFormation.close(r));
    await runtime.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('subscribes a number from a JSON file (public route)', async () => {
    const body = file('subscription.json', {
      phone: PHONE,
      source: 'footer-form',
      consent: {
        method: 'form',
        classes: ['marketing', 'transactional'],
        disclosure: { text: COMPLIANT_DISCLOSURE, version: '2026-05' },
        checkedByUser: true,
      },
    });
    expect(await json(['subscriptions', 'create', body], {}, spawned)).toMatchObject({
      phone: PHONE,
      marketing: 'pending',
    });
    await runtime.text(PHONE, 'YES');
  });

  it('posts events from a file, signed, and reads the profile and its consent log', async () => {
    const events = file('events.json', [
      {
        type: 'CartAbandoned',
        phone: PHONE,
        cartId: 'c-9',
        cartUrl: 'https://acme-coffee.example/cart/c-9',
        items: [{ name: 'Ethiopia Guji, 12 oz', quantity: 2, price: 18.5 }],
        total: 37,
        abandonedAt: START.toISOString(),
      },
      {
        type: 'OrderPlaced',
        phone: PHONE,
        orderId: 'A1001',
        cartId: 'c-9',
        total: 37,
        placedAt: START.toISOString(),
      },
    ]);
    const accepted = await json<{ results: { index: number; status: number }[] }>(['events', 'post', events]);
    expect(accepted.results.map((r) => [r.index, r.status])).toEqual([
      [0, 202],
      [1, 202],
    ]);
    expect(await json(['profiles', 'get', PHONE])).toMatchObject({
      marketing: 'subscribed',
      engagement: { orderCount: 1, totalSpent: 37 },
    });
    const log = await optline(['profiles', 'consent-log', PHONE]);
    expect(log.code).toBe(0);
    expect(log.stdout).toMatch(/opt_in_requested[\s\S]*opt_in_confirmed/);
  });

  it('posts a batch in one request and exits 1 when an event of it is refused', async () => {
    const events = file('mixed.json', [
      { type: 'ProductViewed', phone: PHONE, productId: 'sku-1', viewedAt: START.toISOString() },
      { type: 'ProductViewed', phone: PHONE, viewedAt: START.toISOString() },
    ]);
    const run = await optline(['events', 'post', events]);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(
      /1 of 2 events accepted\n {2}event 1: HTTP 400 validation_failed: .*productId/,
    );
  });

  it('sends a transactional text', async () => {
    expect(await json(['messages', 'send', PHONE, 'Acme Coffee: your order is ready.'])).toMatchObject({
      status: 'sent',
    });
    const history = await optline(['profiles', 'messages', PHONE, '--limit', '5']);
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/outbound\s+(sent|delivered)\s+ Acme Coffee: your order is ready\./);
  });

  it('runs a campaign: create from a file, follow its status, and it texts the subscriber', async () => {
    const definition = file('campaign.json', {
      name: 'Spring blend',
      body: 'The spring blend is back.',
      segment: { all: true },
      sendAt: new Date(START.getTime() + 10 * 60_000).toISOString(),
      smartSending: false,
    });
    const created = await optline(['campaigns', 'create', definition]);
    expect(created.code).toBe(0);
    const campaignId = /Campaign (cmp_\w+): scheduled, 1 recipients/.exec(created.stdout)?.[1];
    expect(campaignId, created.stdout).toBeDefined();

    // The live view on a terminal: redrawn until the campaign is sent.
    const frames: string[] = [];
    const watching = main(['campaigns', 'status', campaignId!, '--interval-ms', '100'], {
      out: () => undefined,
      err: (text) => frames.push(`ERR ${text}`),
      cwd: dir,
      env: { OPTLINE_API_URL: runtime.url },
      tty: { write: (raw) => frames.push(raw) },
    });
    await waitFor(() => frames.length > 0, 10_000, 'the first frame');
    runtime.clock.advance(11 * 60_000);
    expect(await watching).toBe(0);
    expect(frames.length).toBeGreaterThan(1);
    expect(frames[0]).toMatch(/scheduled/);
    const last = frames.at(-1) ?? '';
    // Each later frame moves the cursor up over the previous one and clears it (ESC [ n F, ESC [ J).
    expect(last.startsWith('\u001b[')).toBe(true);
    expect(last).toMatch(/^.\[\d+F.\[J[^]*dispatched[^]*1\/1/);

    await runtime.settle();
    const status = await json<{ state: string; counters: { sent: number } }>([
      'campaigns',
      'status',
      campaignId!,
    ]);
    expect(status).toMatchObject({ state: 'dispatched', counters: { sent: 1 } });
    const printed = await optline(['campaigns', 'status', campaignId!]);
    expect(printed.stdout).toMatch(/progress\s+\[#+\] 1\/1/);
  });

  it('cancels a campaign', async () => {
    const definition = file('later.json', {
      name: 'Later',
      body: 'Acme Coffee: new mugs next week.',
      segment: { all: true },
      sendAt: new Date(runtime.clock.now().getTime() + 86_400_000).toISOString(),
    });
    const { campaignId } = await json<{ campaignId: string }>(['campaigns', 'create', definition]);
    expect(await json(['campaigns', 'cancel', campaignId])).toMatchObject({ state: 'cancelled' });
  });

  it('finds the API from the stack outputs, signing with the environment credentials', async () => {
    const env = {
      AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormationUrl,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      OPTLINE_API_URL: '',
    };
    expect(
      await json(
        ['--stack', 'optline-test', '--region', 'us-east-1', 'profiles', 'get', PHONE],
        env,
        spawned,
      ),
    ).toMatchObject({ phone: PHONE });
    expect(
      await json(['--stack', 'shop-test', '--region', 'us-east-1', 'profiles', 'get', PHONE], env, spawned),
    ).toMatchObject({ phone: PHONE });
    const missing = await spawned(
      ['profiles', 'get', PHONE, '--stack', 'nope', '--region', 'us-east-1'],
      env,
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read stack nope: Stack with id nope does not exist/);
  });

  it('exits 1 with the API error: an unknown profile, a wrong signature', async () => {
    const unknown = await spawned(['profiles', 'get', '+12065550999']);
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toMatch(/HTTP 404 not_found: no profile for \+12065550999 \(field phone\)/);
    const tampered = await optline(['profiles', 'get', PHONE], {
      OPTLINE_LOCAL_CREDENTIALS: 'local:not-the-secret',
    });
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toMatch(
      /HTTP 403 INVALID_SIGNATURE: The request signature we calculated does not match/,
    );
  });

  it.each([
    [['campaigns'], /missing action/],
    [['campaigns', 'frob'], /unknown action "frob"/],
    [['profiles', 'get'], /missing <phone>/],
    [['profiles', 'get', '+1', 'extra'], /unexpected argument extra/],
    [['events', 'post', 'missing.json'], /cannot read missing.json: ENOENT/],
    [['profiles', 'get', PHONE, '--api', 'ftp://example.com'], /--api must be an http\(s\) URL/],
    [['profiles', 'get', PHONE, '--api', 'http://x', '--stack', 'y'], /give --api or --stack, not both/],
    [['import', 'missing.csv', '--from', 'csv', '--map', 'phone=Phone'], /cannot read missing.csv: ENOENT/],
    [['import', 'x.csv'], /missing --from/],
  ])('exits 2 on bad usage %j', async (args, message) => {
    const run = await optline(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('Usage: optline');
  });
});
