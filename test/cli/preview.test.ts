import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { analyseMessage } from '../../lambdas/domain/message-format';
import { estimateCost } from '../../lambdas/domain/message-lint';
import { optlineInProcess, type CliRun } from '../support/optline-cli';
import { testDirectory } from '../support/temp-dir';

const ROOT = resolve(__dirname, '../..');
const LAUNCHER = resolve(ROOT, 'bin/optline-cli.cjs');
const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';

/** `optline …` from the project root unless told otherwise, in this process (see optline-cli.ts). */
function optline(args: string[], cwd = ROOT): Promise<CliRun> {
  return optlineInProcess(args, { cwd, env: { ...process.env, NO_COLOR: '1' } });
}

function usd(body: string, country: string): number | undefined {
  return estimateCost(analyseMessage(body), country)?.perMessageUsd;
}

describe('optline preview from its launcher', () => {
  it('runs as a user runs it, from bin/optline-cli.cjs in any directory, with its exit codes', async () => {
    const spawned = async (args: string[]) => {
      try {
        const { stdout } = await promisify(execFile)(process.execPath, [LAUNCHER, ...args], {
          cwd: tmpdir(),
          env: { ...process.env, NO_COLOR: '1' },
        });
        return { code: 0, stdout };
      } catch (error) {
        const failed = error as { code?: number; stderr?: string };
        return { code: failed.code ?? -1, stdout: failed.stderr ?? '' };
      }
    };
    const ok = await spawned(['preview', 'Acme Coffee: hi', '--brand', 'Acme Coffee', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ segments: 1, warnings: [] });
    const bad = await spawned(['preview', 'hi', '--link-domain', 'https://go.acme.com/']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain('--link-domain');
  });
});

describe('optline preview --json', () => {
  it('prints exactly encoding, smartEncoded, characters, segments, costEstimate, links and warnings', async () => {
    const body = 'Acme Coffee: Your latte is ready!';
    const run = await optline(['preview', body, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      encoding: 'GSM-7',
      smartEncoded: false,
      characters: 33,
      segments: 1,
      costEstimate: {
        country: 'US',
        currency: 'USD',
        perMessageUsd: usd(body, 'US'),
        segments: 1,
        channel: 'SMS',
      },
      links: {
        example: 'https://xxxxxxxxxx.execute-api.us-east-1.amazonaws.com/prod/r/xxxxxxx',
        source: 'execute-api',
      },
      warnings: [],
    });
  });

  it('prices the country of --to and reports the warnings', async () => {
    const body = `bit.ly/x ${'☕ deal '.repeat(12)}`; // ☕ has no GSM-7 look-alike: UCS-2 as sent
    const run = await optline(['preview', body, '--to', '+447400123456', '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({
      encoding: 'UCS-2',
      characters: [...body].length,
      segments: 2,
      costEstimate: { country: 'GB', segments: 2, channel: 'SMS', perMessageUsd: usd(body, 'GB') },
    });
    expect((result.warnings as { code: string }[]).map((w) => w.code)).toEqual([
      'starts_with_link',
      'link_shortener',
      'missing_brand_prefix',
      'forces_ucs2',
    ]);
    for (const w of result.warnings as Record<string, unknown>[]) {
      expect(Object.keys(w)).toEqual(['code', 'message']);
    }
  });

  it('gives a null estimate for a country without a price', async () => {
    const run = await optline(['preview', 'Acme Coffee: hi', '--to', '+81312345678', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ costEstimate: null });
  });

  it('takes the brand from --brand, and works from any directory', async () => {
    const run = await optline(['preview', 'Bean There: hi', '--brand', 'Bean There', '--json'], tmpdir());
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ warnings: [] });
  });

  it('takes the brand from cdk.json (optline.brand) by default', async () => {
    const run = await optline(['preview', 'Bean There: hi', '--json']);
    const result = JSON.parse(run.stdout) as { warnings: { code: string; message: string }[] };
    expect(result.warnings.map((w) => w.code)).toEqual(['missing_brand_prefix']);
    expect(result.warnings[0]?.message).toContain('Acme Coffee');
  });

  it('estimates an MMS when media is attached', async () => {
    const run = await optline([
      'preview',
      'Acme Coffee: menu',
      '--media',
      'https://acme.example/m.jpg',
      '--json',
    ]);
    expect(JSON.parse(run.stdout)).toMatchObject({ costEstimate: { channel: 'MMS', segments: 1 } });
  });
});

describe('optline preview: links as sent', () => {
  // 152 characters with its link as written: 1 segment. Its link becomes a short link when sent.
  const BODY =
    'Acme Coffee: Spring beans are here! New single-origin Ethiopia and Colombia roasts, 20% off ' +
    'this weekend only: https://acme.com/spring Reply STOP to end';
  const env = {
    ...process.env,
    AWS_REGION: undefined,
    AWS_DEFAULT_REGION: undefined,
    CDK_DEFAULT_REGION: undefined,
  };

  /** `optline preview …`: what it printed, or on failure what it printed on stderr. */
  async function run(args: string[], cwd = ROOT, extraEnv: Record<string, string> = {}) {
    const { code, stdout, stderr } = await optlineInProcess(['preview', ...args], {
      cwd,
      env: { ...env, ...extraEnv, NO_COLOR: '1' },
    });
    return { code, stdout: code === 0 ? stdout : stderr };
  }

  it('counts the link on the API address without links.domain, and names the saving of a domain', async () => {
    expect(BODY).toHaveLength(152);
    expect(analyseMessage(BODY).segments).toBe(1);
    const result = JSON.parse((await run([BODY, '--json'])).stdout) as {
      segments: number;
      characters: number;
      links: { example: string; source: string };
      warnings: { code: string; message: string }[];
    };
    expect(result.links).toEqual({
      example: 'https://xxxxxxxxxx.execute-api.us-east-1.amazonaws.com/prod/r/xxxxxxx',
      source: 'execute-api',
    });
    expect(result.characters).toBe(152 - 'https://acme.com/spring'.length + result.links.example.length);
    expect(result.segments).toBe(2);
    expect(result.warnings).toEqual([
      {
        code: 'long_links',
        message:
          "The short links on the API's address make the text 2 segments. A domain in `links.domain` " +
          `would save 1 segment per text: $${(1000 * (usd('x', 'US') ?? 0)).toFixed(2)} per 1,000 texts to US.`,
      },
    ]);
  });

  it('takes the region of the stack from the environment', async () => {
    const out = (await run([BODY], ROOT, { AWS_REGION: 'ap-southeast-2' })).stdout;
    expect(out).toContain(
      "Links        counted as https://xxxxxxxxxx.execute-api.ap-southeast-2.amazonaws.com/prod/r/xxxxxxx (the API's execute-api address in ap-southeast-2",
    );
    expect(out).toMatch(/Segments\s+2 /);
  });

  it('is 1 segment with links on --link-domain, and says so', async () => {
    const out = (await run([BODY, '--link-domain', 'go.acme.com'])).stdout;
    expect(out).toMatch(/Segments\s+1 /);
    expect(out).toContain('Links        counted as https://go.acme.com/xxxxxxx (--link-domain)');
    expect(out).toMatch(/Warnings\s+none/);
  });

  it('uses links.domain and links.codeLength from cdk.json', async () => {
    const dir = testDirectory('optline-preview-');
    const cdk = JSON.parse(readFileSync(resolve(ROOT, 'cdk.json'), 'utf8')) as {
      context: { optline: Record<string, unknown> };
    };
    cdk.context.optline.links = {
      domain: 'go.acme.co',
      certificateArn: CERTIFICATE,
      codeLength: 8,
    };
    writeFileSync(join(dir, 'cdk.json'), JSON.stringify(cdk));
    const result = JSON.parse((await run([BODY, '--json'], dir)).stdout) as {
      segments: number;
      links: { example: string; source: string };
    };
    expect(result.links).toEqual({
      example: 'https://go.acme.co/xxxxxxxx',
      source: 'links.domain',
    });
    expect(result.segments).toBe(1);
    // The option wins over the config.
    expect(
      (JSON.parse((await run([BODY, '--json', '--link-domain', 'a.co'], dir)).stdout) as { links: unknown })
        .links,
    ).toEqual({ example: 'https://a.co/xxxxxxxx', source: 'link-domain-option' });
  });

  it('counts a body with curly quotes as the GSM-7 text smart encoding sends, unless it is off', async () => {
    // 90 characters with curly quotes and a dash: 2 UCS-2 segments as written, 1 GSM-7 segment as sent.
    const body =
      'Acme Coffee: “Summer” blend is back — 20% off today only, while it lasts. Reply STOP to end';
    const sent = JSON.parse((await optline(['preview', body, '--json'])).stdout) as Record<string, unknown>;
    expect(sent).toMatchObject({ encoding: 'GSM-7', smartEncoded: true, segments: 1 });
    // The lint reads the text as sent: the quotes cost nothing, so nothing warns about them.
    expect((sent.warnings as { code: string }[]).map((w) => w.code)).not.toContain('forces_ucs2');
    const dir = testDirectory('optline-preview-');
    const cdk = JSON.parse(readFileSync(resolve(ROOT, 'cdk.json'), 'utf8')) as {
      context: { optline: Record<string, unknown> };
    };
    cdk.context.optline.sending = { smartEncoding: false };
    writeFileSync(join(dir, 'cdk.json'), JSON.stringify(cdk));
    const written = JSON.parse((await optline(['preview', body, '--json'], dir)).stdout) as Record<
      string,
      unknown
    >;
    expect(written).toMatchObject({ encoding: 'UCS-2', smartEncoded: false, segments: 2 });
  });

  it('refuses a --link-domain that is not a domain name', async () => {
    const failed = await run([BODY, '--link-domain', 'https://go.acme.com/']);
    expect(failed.code).toBe(2);
    expect(failed.stdout).toContain('invalid --link-domain "https://go.acme.com/"');
  });
});

describe('optline preview', () => {
  it('prints the numbers for people', async () => {
    const body = `Acme Coffee: ${'x'.repeat(150)}`;
    const run = await optline(['preview', body]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Encoding\s+GSM-7/);
    expect(run.stdout).toMatch(/Characters\s+163/);
    expect(run.stdout).toMatch(/Segments\s+2 \(153 characters per segment\)/);
    expect(run.stdout).toContain(`$${usd(body, 'US')} per message to US (2 SMS segments`);
    expect(run.stdout).toMatch(/Warnings\s+none/);
  });

  it('lists warnings with their codes', async () => {
    const run = await optline(['preview', 'Hi “there” 😀', '--require-opt-out']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Characters\s+12 \(13 UTF-16 code units\)/);
    expect(run.stdout).toMatch(/Warnings\s+3/);
    expect(run.stdout).toContain('missing_brand_prefix: ');
    expect(run.stdout).toContain('missing_opt_out_language: ');
    expect(run.stdout).toContain('forces_ucs2: ');
  });

  it('accepts a body that starts with "-" after --', async () => {
    const run = await optline(['preview', '--json', '--', '-20% today']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ characters: 10 });
  });
});

describe('optline usage', () => {
  it.each([
    [['frob'], /unknown command "frob"/],
    [[], /missing command/],
    [['preview'], /missing message body/],
    [['preview', '   '], /missing message body/],
    [['preview', 'two', 'words'], /expected one message body/],
    [['preview', 'hi', '--to', 'not-a-number'], /invalid --to "not-a-number"/],
    [['preview', 'hi', '--to', '+1555'], /invalid --to "\+1555"/],
    [['preview', 'hi', '--to'], /--to/],
    [['preview', 'hi', '--bogus'], /Unknown option '--bogus'/],
  ])('rejects %j with exit code 2 and a message on stderr', async (args, message) => {
    const run = await optline(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('Usage: optline');
    expect(run.stdout).toBe('');
  });

  it.each([[['--help']], [['help']], [['-h']]])('prints usage for %j', async (args) => {
    const run = await optline(args);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: optline <command>');
    expect(run.stdout).toContain('preview');
  });

  it.each([[['preview', '--help']], [['help', 'preview']]])(
    'prints the options of preview for %j',
    async (args) => {
      const run = await optline(args);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Usage: optline preview');
      expect(run.stdout).toContain('--to <phone>');
    },
  );
});
