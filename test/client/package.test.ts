/**
 * The package as an app gets it: `npm pack` (which compiles client/ and cli/ into dist/), unpacked
 * into a fresh project whose node_modules holds the package and its declared dependencies only.
 * The app imports `optline/client` from ESM and CommonJS, type-checks against its declarations,
 * calls the local runtime signed, and runs `optline` from the package.
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../local/signature-check';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { ROOT, startTestRuntime, type TestRuntime } from '../support/local-runtime';

const run = promisify(execFile);

describe('the packed package in an app', () => {
  let runtime: TestRuntime;
  let work: string;
  let app: string;
  let tarball: string;

  const node = async (args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, args, {
        cwd: app,
        env: {
          PATH: process.env.PATH ?? '',
          OPTLINE_API_URL: runtime.url,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'optline-pack-'));
    const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', work], {
      cwd: ROOT,
      maxBuffer: 1 << 24,
    });
    tarball = join(work, stdout.trim().split('\n').at(-1)!);
    app = join(work, 'app');
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    await run('tar', ['-xzf', tarball, '-C', join(app, 'node_modules')]);
    renameSync(join(app, 'node_modules', 'package'), join(app, 'node_modules', 'optline'));
    // What npm would install for it: the declared dependencies (linked from this checkout).
    const manifest = JSON.parse(
      readFileSync(join(app, 'node_modules', 'optline', 'package.json'), 'utf8'),
    ) as {
      dependencies: Record<string, string>;
    };
    for (const name of Object.keys(manifest.dependencies)) {
      const link = join(app, 'node_modules', name);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', name), link, 'dir');
    }
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'my-app', private: true }));
    runtime = await startTestRuntime({
      config: KEYWORDS_ONLY,
      auth: { requireIam: true, credentials: LOCAL_CREDENTIALS },
    });
  }, 180_000);
  afterAll(async () => {
    await runtime?.stop();
    // The tarball, the app and its cdk.out with every function's bundle: over 100 MB a run.
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ships compiled code and declarations, and only the sources the construct bundles', async () => {
    const files = (await run('tar', ['-tzf', tarball])).stdout.split('\n');
    expect(files).toEqual(
      expect.arrayContaining([
        'package/dist/client/index.js',
        'package/dist/client/index.d.ts',
        'package/dist/lib/index.js',
        'package/dist/lib/index.d.ts',
        'package/lambdas/handlers/inbound-sms.ts',
        'package/statemachines/import.asl.json',
      ]),
    );
    // TypeScript sources: the functions (bundled at the app's synth) and the lib/ modules they import.
    const sources = files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    expect(sources.filter((f) => !/^package\/(lambdas|lib)\//.test(f))).toEqual([]);
    const manifest = JSON.parse(
      readFileSync(join(app, 'node_modules', 'optline', 'package.json'), 'utf8'),
    ) as {
      exports: Record<string, unknown>;
    };
    expect(manifest.exports['./client']).toEqual({
      types: './dist/client/index.d.ts',
      default: './dist/client/index.js',
    });
  });

  it('imports the client from ESM and calls an IAM route signed', async () => {
    writeFileSync(
      join(app, 'index.mjs'),
      `import { OptlineClient, OptlineApiError } from 'optline/client';
const client = new OptlineClient({ baseUrl: process.env.OPTLINE_API_URL, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
const accepted = await client.postEvent({ type: 'ProductViewed', phone: '+12065550501', productId: 'sku-12', viewedAt: '2026-03-10T16:00:00Z' });
const unsigned = await new OptlineClient({ baseUrl: process.env.OPTLINE_API_URL, credentials: { accessKeyId: 'local', secretAccessKey: 'wrong' } })
  .getProfile('+12065550501').catch((e) => e);
console.log(JSON.stringify({ type: accepted.type, error: unsigned instanceof OptlineApiError, code: unsigned.code }));
`,
    );
    const result = await node(['index.mjs']);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      type: 'ProductViewed',
      error: true,
      code: 'INVALID_SIGNATURE',
    });
  });

  it('requires it from CommonJS, and nothing it does not export', async () => {
    writeFileSync(
      join(app, 'index.cjs'),
      `const { OptlineClient } = require('optline/client');
let deep;
try { require('optline/lib/catalog'); } catch (error) { deep = error.code; }
console.log(JSON.stringify({ client: typeof OptlineClient, deep }));
`,
    );
    const result = await node(['index.cjs']);
    expect(JSON.parse(result.stdout)).toEqual({ client: 'function', deep: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
  });

  it('type-checks an app against the declarations, and refuses a malformed request', async () => {
    // One program, two files: the app type-checks, the malformed request is refused.
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'node16',
          moduleResolution: 'node16',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ['app.ts', 'refused.ts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    writeFileSync(
      join(app, 'app.ts'),
      `import { OptlineClient, type Campaign } from 'optline/client';
export async function run(client: OptlineClient): Promise<Campaign['state']> {
  await client.postEvent({ type: 'OrderPlaced', phone: '+12065550100', orderId: 'A1', total: 3, placedAt: '2026-03-10T16:00:00Z' });
  return (await client.getCampaign('cmp_0123456789')).state;
}
`,
    );
    writeFileSync(
      join(app, 'refused.ts'),
      `import { OptlineClient } from 'optline/client';
export const run = (client: OptlineClient) => client.postEvent({ type: 'OrderPlaced', phone: '+12065550100' });
`,
    );
    const checked = await node([tsc, '-p', '.']);
    const errors = checked.stdout.split('\n').filter((line) => /error TS\d+:/.test(line));
    expect(checked.code).not.toBe(0);
    expect(errors.length, checked.stdout).toBeGreaterThan(0);
    expect(
      errors.filter((line) => !line.startsWith('refused.ts')),
      checked.stdout,
    ).toEqual([]);
    expect(checked.stdout).toMatch(/refused\.ts.*error TS2345/);
  });

  it('synthesizes an app that adds Optline to its own stack and routes its events', async () => {
    // The peer dependencies an app installs beside it (npm links esbuild's command into .bin).
    for (const peer of ['aws-cdk-lib', 'constructs', 'cdk-nag', 'esbuild', 'tsx']) {
      symlinkSync(join(ROOT, 'node_modules', peer), join(app, 'node_modules', peer), 'dir');
    }
    mkdirSync(join(app, 'node_modules', '.bin'), { recursive: true });
    symlinkSync('../esbuild/bin/esbuild', join(app, 'node_modules', '.bin', 'esbuild'));
    copyFileSync(join(ROOT, 'examples', 'existing-stack', 'app.ts'), join(app, 'shop.ts'));
    // As `npm install` leaves it: CDK finds the app's root (where it runs esbuild) by its lock file.
    writeFileSync(
      join(app, 'package-lock.json'),
      JSON.stringify({ name: 'my-app', lockfileVersion: 3, requires: true, packages: {} }),
    );
    // The props are typed: the example type-checks against the package's declarations.
    writeFileSync(
      join(app, 'tsconfig.shop.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'node16',
          moduleResolution: 'node16',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ['shop.ts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    expect(await node([tsc, '-p', 'tsconfig.shop.json'])).toMatchObject({ code: 0, stdout: '' });
    // A wrong config is refused at synth with the config's own message.
    writeFileSync(
      join(app, 'bad.mjs'),
      `import { App, Stack } from 'aws-cdk-lib';
import { Optline, ConfigError } from 'optline';
try { new Optline(new Stack(new App(), 'S'), 'Sms', { config: { brand: 'Acme', quietHours: { start: '21:00', end: '23:00' } } }); }
catch (error) { console.log(JSON.stringify({ config: error instanceof ConfigError, message: error.message })); }
`,
    );
    const bad = JSON.parse((await node(['bad.mjs'])).stdout) as { config: boolean; message: string };
    expect(bad.config).toBe(true);
    expect(bad.message).toMatch(/^Invalid Optline config at "optline\.quietHours/);

    const out = join(app, 'cdk.out');
    const synth = await run(process.execPath, ['--import', 'tsx', 'shop.ts'], {
      cwd: app,
      // CDK's built-in CloudFormation validation is left out (CDK_VALIDATION): nothing here reads its
      // report, and the shared synthesis of the stack runs it (test/support/template.ts).
      env: {
        PATH: process.env.PATH ?? '',
        CDK_OUTDIR: out,
        CDK_DISABLE_CLI_TELEMETRY: 'true',
        CDK_VALIDATION: 'false',
      },
      maxBuffer: 1 << 24,
    });
    // The AwsSolutions checks the example adds found nothing to refuse, Optline's resources included.
    expect(synth.stderr).not.toMatch(/ERROR/);
    const template = JSON.parse(readFileSync(join(out, 'Shop.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
    };
    const ofType = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
    expect(ofType('AWS::DynamoDB::Table').length).toBeGreaterThanOrEqual(8);
    expect(ofType('AWS::ApiGateway::RestApi')).toHaveLength(1);
    const [[busId] = []] = ofType('AWS::Events::EventBus');
    const [[crmId] = []] = ofType('AWS::Lambda::Function').filter(([id]) => id.startsWith('CrmSync'));
    const rules = ofType('AWS::Events::Rule').filter(([id]) => id.startsWith('SubscriptionsToCrm'));
    expect(rules).toHaveLength(1);
    expect(rules[0]![1].Properties).toMatchObject({
      EventBusName: { Ref: busId },
      EventPattern: { source: ['optline'], 'detail-type': ['SubscriptionConfirmed'] },
      Targets: [{ Arn: { 'Fn::GetAtt': [crmId, 'Arn'] } }],
    });
    // Optline's functions were bundled from the installed package's sources.
    const assets = readdirSync(out).filter((name) => name.startsWith('asset.'));
    expect(assets.length).toBeGreaterThanOrEqual(14);
    expect(assets.some((name) => existsSync(join(out, name, 'index.js')))).toBe(true);
  }, 300_000);

  it('runs optline from the package', async () => {
    const result = await node([
      join('node_modules', 'optline', 'bin', 'optline-cli.cjs'),
      'profiles',
      'get',
      '+12065550501',
      '--json',
    ]);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({
      phone: '+12065550501',
      engagement: { lastViewedAt: expect.any(String) },
    });
  });
});
