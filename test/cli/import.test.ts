/**
 * `npx optline import` end to end on the local runtime: files from the sources' documented formats
 * → the import route → profiles and consent-log events as the rules say; the same import again
 * changes nothing; nobody is texted; and a campaign afterwards reaches exactly the imported
 * subscribers.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PinpointSMSVoiceV2Client, PutOptedOutNumberCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optlineInProcess } from '../support/optline-cli';
import type { ImportReport } from '../../lambdas/domain/import-report';
import type { DynamoUsage } from '../../local/dynamo-meter';
import { LOCAL_CREDENTIALS } from '../../local/signature-check';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime';

// 15:00 in Seattle: inside the sending window everywhere in the US.
const START = new Date('2026-11-10T23:00:00Z');
const FIXTURES = join(__dirname, '../fixtures/import');

interface ImportOutput {
  dryRun: boolean;
  files: {
    file: string;
    importId: string;
    sha256: string;
    batches: number;
    replayedBatches: number;
    report: ImportReport;
  }[];
  report: ImportReport;
}

interface ProfileView {
  marketing: string;
  transactional: string;
  optedOut: boolean;
  marketingConfirmedBy: string | null;
  properties: Record<string, unknown>;
  timeZone: string | null;
}

interface ConsentLogView {
  events: {
    action: string;
    applied: boolean;
    evidence: { method: string; import?: Record<string, unknown> };
  }[];
}

describe('optline import', () => {
  let runtime: TestRuntime;
  let dir: string;

  const run = (args: string[]) =>
    optlineInProcess(['import', ...args], { cwd: dir, env: { OPTLINE_API_URL: runtime.url } });
  const importJson = async (args: string[]) => {
    const result = await run([...args, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as ImportOutput;
  };
  const profile = async (phone: string) =>
    runtime.get<ProfileView>(`/v1/profiles/${encodeURIComponent(phone)}`);
  const consentLog = async (phone: string) =>
    (await runtime.get<ConsentLogView>(`/v1/profiles/${encodeURIComponent(phone)}/consent-log`)).body.events;

  beforeAll(async () => {
    runtime = await startTestRuntime({ clockStart: START, config: KEYWORDS_ONLY });
    dir = mkdtempSync(join(tmpdir(), 'optline-import-'));
    writeFileSync(
      join(dir, 'export.jsonl.gz'),
      gzipSync(readFileSync(join(FIXTURES, 'pinpoint-export.jsonl'))),
    );
    for (const name of ['klaviyo-profiles.csv', 'postscript-subscribers.csv', 'mapped.csv'])
      copyFileSync(join(FIXTURES, name), join(dir, name));
  });
  afterAll(async () => {
    await runtime.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('a Pinpoint export', () => {
    let first: ImportOutput;

    let writes: Map<string, DynamoUsage>;

    beforeAll(async () => {
      await runtime.dynamo.meter.setEnabled(true);
      await runtime.dynamo.meter.reset();
      first = await importJson(['export.jsonl.gz', '--from', 'pinpoint', '--accept-undated-consent']);
      writes = await runtime.dynamo.meter.snapshot();
      await runtime.dynamo.meter.setEnabled(false);
    });

    it('counts every row once, under the outcome the rules give it', () => {
      expect(first.report).toMatchObject({
        rows: 8,
        created: 1,
        updated: 0,
        optedOut: 2,
        suppressed: 1,
        failed: { count: 0 },
      });
      expect(first.report.skipped).toEqual({
        // +12065550101 is opted in on line 1 and opted out on line 6: the opt-out stands.
        duplicate: { count: 1, lines: [1] },
        not_sms: { count: 2, lines: [4, 7] },
        invalid_number: { count: 1, lines: [5] },
      });
    });

    it('subscribes the consenting endpoint, marked as undated consent, with its attributes', async () => {
      const { status, body } = await profile('+12065550106');
      expect(status).toBe(200);
      expect(body).toMatchObject({
        marketing: 'subscribed',
        optedOut: false,
        marketingConfirmedBy: 'import',
        timeZone: 'America/Chicago',
        properties: {
          Tier: 'gold',
          FirstName: 'Grace',
          pinpoint_user_id: 'user-6',
          $consentUndated: true,
          $source: 'import:pinpoint',
        },
      });
    });

    it('records where each consent came from: system, file, SHA-256 and line', async () => {
      const sha256 = createHash('sha256')
        .update(readFileSync(join(dir, 'export.jsonl.gz')))
        .digest('hex');
      const entries = await consentLog('+12065550106');
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        action: 'opt_in_confirmed',
        evidence: {
          method: 'import',
          import: {
            system: 'pinpoint',
            fileName: 'export.jsonl.gz',
            sha256,
            line: 8,
            sourceStatus: 'opted_in',
            undated: true,
          },
        },
      });
    });

    it('imports opt-outs as opt-outs and an inactive endpoint as a suppression', async () => {
      expect((await profile('+12065550101')).body).toMatchObject({
        optedOut: true,
        marketing: 'unsubscribed',
      });
      expect((await profile('+12065550102')).body).toMatchObject({ optedOut: true });
      expect((await profile('+12065550103')).body).toMatchObject({
        optedOut: false,
        marketing: 'unsubscribed',
        transactional: 'unsubscribed',
      });
      expect((await consentLog('+12065550103'))[0]?.action).toBe('suppressed');
    });

    it('writes every item on a condition: none of its writes could go in a BatchWriteItem', () => {
      const written = [...writes].filter(([key]) =>
        /^(PutItem|UpdateItem|DeleteItem|BatchWriteItem) /.test(key),
      );
      expect(written.length).toBeGreaterThan(0);
      expect(written.filter(([, usage]) => usage.unconditionalWrites > 0)).toEqual([]);
    });

    it('never texts anyone', () => {
      expect(runtime.sms.outbox).toEqual([]);
    });

    it('changes nothing when the same file is imported again, and says it was done before', async () => {
      const logBefore = await consentLog('+12065550106');
      const again = await importJson(['export.jsonl.gz', '--from', 'pinpoint', '--accept-undated-consent']);
      expect(again.files[0]).toMatchObject({
        importId: first.files[0]!.importId,
        batches: 1,
        replayedBatches: 1,
      });
      expect(again.report).toEqual(first.report);
      expect(await consentLog('+12065550106')).toEqual(logBefore);
      expect(runtime.sms.outbox).toEqual([]);
    });

    it('says in words what it did', async () => {
      const again = await run(['export.jsonl.gz', '--from', 'pinpoint', '--accept-undated-consent']);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/resumed: 1 of 1 batches were done by an earlier run/);
      expect(again.stdout).toMatch(/rows read\s+8/);
      expect(again.stdout).toMatch(/not_sms\s+2\s+lines 4, 7/);
    });
  });

  describe('CSV', () => {
    it('imports a Klaviyo export with its preset: dated consent only, opt-outs, no consent skipped', async () => {
      const result = await importJson(['klaviyo-profiles.csv', '--from', 'klaviyo']);
      expect(result.report).toMatchObject({ rows: 4, created: 1, optedOut: 1 });
      expect(result.report.skipped).toEqual({
        no_consent: { count: 1, lines: [4] },
        undated_consent: { count: 1, lines: [5] },
      });
      expect((await profile('+12065550111')).body).toMatchObject({
        marketing: 'subscribed',
        properties: { first_name: 'Ada', email: 'ada@example.com' },
      });
      expect((await profile('+12065550112')).body.optedOut).toBe(true);
      expect((await profile('+12065550113')).status).toBe(404);
    });

    it('imports a mapped CSV: national numbers, invalid ones reported, both in and out ends out', async () => {
      const result = await importJson([
        'mapped.csv',
        '--from',
        'csv',
        '--map',
        'phone=Phone Number',
        '--map',
        'consent=SMS Consent',
        '--map',
        'consentAt=SMS Consent Timestamp',
        '--map',
        'first_name=First Name',
      ]);
      expect(result.report).toMatchObject({ rows: 5, created: 0, optedOut: 2 });
      expect(result.report.skipped).toEqual({
        invalid_number: { count: 1, lines: [4] },
        duplicate: { count: 1, lines: [2] },
        no_consent: { count: 1, lines: [3] },
      });
      expect((await profile('+12065550141')).body.optedOut).toBe(true);
    });

    it('writes nothing in a dry run and prints the same report', async () => {
      const dry = await importJson(['postscript-subscribers.csv', '--from', 'postscript', '--dry-run']);
      expect(dry.dryRun).toBe(true);
      expect(dry.report).toMatchObject({ rows: 3, created: 2, optedOut: 1 });
      expect((await profile('+12065550131')).status).toBe(404);
      const real = await importJson(['postscript-subscribers.csv', '--from', 'postscript']);
      expect(real.report).toEqual(dry.report);
      expect((await profile('+12065550131')).body.marketing).toBe('subscribed');
    });

    it('exits 2 naming a mapped column the file lacks', async () => {
      const result = await run(['mapped.csv', '--from', 'csv', '--map', 'phone=Mobile']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/--map phone="Mobile": the header has no such column/);
    });
  });

  describe('an End User Messaging opt-out list', () => {
    // 120 numbers: three pages of DescribeOptedOutNumbers (50 a page).
    const listed = Array.from({ length: 120 }, (_, i) => `+1206555${String(2000 + i)}`);
    const listedAt = new Map<string, string | undefined>();
    let list: string;
    let first: ImportOutput;
    const describeCalls = () =>
      [...runtime.aws.counts.entries()]
        .filter(([key]) => key.endsWith('.DescribeOptedOutNumbers'))
        .reduce((n, [, count]) => n + count, 0);

    beforeAll(async () => {
      const aws = await runtime.get<{ endpointUrl: string; region: string; optOutList: string }>(
        '/_local/aws',
      );
      list = aws.body.optOutList;
      const sms = new PinpointSMSVoiceV2Client({
        endpoint: aws.body.endpointUrl,
        region: aws.body.region,
        credentials: LOCAL_CREDENTIALS,
      });
      for (const phone of listed) {
        const entry = await sms.send(
          new PutOptedOutNumberCommand({ OptOutListName: list, OptedOutNumber: phone }),
        );
        listedAt.set(phone, entry.OptedOutTimestamp?.toISOString());
      }
      sms.destroy();
      const callsBefore = describeCalls();
      first = await importJson(['--from', 'eum-opt-outs', '--list', list]);
      expect(describeCalls() - callsBefore).toBe(3);
    });

    it('imports every number of every page as opted out', async () => {
      expect(first.report).toMatchObject({ rows: 120, optedOut: 120, created: 0, failed: { count: 0 } });
      expect(first.report.skipped).toEqual({});
      expect(first.files[0]).toMatchObject({ file: `opt-out list ${list}`, batches: 2 });
      for (const phone of [listed[0]!, listed[119]!])
        expect((await profile(phone)).body).toMatchObject({ optedOut: true, marketing: 'unsubscribed' });
    });

    it("records the list, the snapshot's SHA-256, the line and the list's own time", async () => {
      const entries = await consentLog(listed[60]!);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        action: 'opted_out',
        evidence: {
          method: 'import',
          import: {
            system: 'eum-opt-outs',
            fileName: `opt-out list ${list}`,
            sha256: first.files[0]!.sha256,
            line: 61,
            sourceStatus: 'opted_out',
            sourceConsentAt: listedAt.get(listed[60]!),
            sourceConsentMethod: `opt-out list ${list}`,
          },
        },
      });
    });

    it('changes nothing when the same list is imported again', async () => {
      const logBefore = await consentLog(listed[0]!);
      const again = await importJson(['--from', 'eum-opt-outs', '--list', list]);
      expect(again.files[0]).toMatchObject({
        importId: first.files[0]!.importId,
        sha256: first.files[0]!.sha256,
        replayedBatches: 2,
      });
      expect(again.report).toEqual(first.report);
      expect(await consentLog(listed[0]!)).toEqual(logBefore);
      expect(runtime.sms.outbox).toEqual([]);
    });

    it('exits 2 naming a list that does not exist, and on a missing --list', async () => {
      const missing = await run(['--from', 'eum-opt-outs', '--list', 'no-such-list']);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/cannot read the opt-out list no-such-list: ResourceNotFoundException/);
      const usage = await run(['--from', 'eum-opt-outs']);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toMatch(/--from eum-opt-outs needs --list <name>/);
    });
  });

  describe('a campaign after the imports', () => {
    it('reaches exactly the imported subscribers, and nobody imported as opted out', async () => {
      const created = await runtime.post<{ campaignId: string }>('/v1/campaigns', {
        name: 'Welcome back',
        body: 'Acme Coffee: our new roast is in. Reply STOP to opt out',
        segment: { all: true },
        sendAt: new Date(runtime.clock.now().getTime() + 10 * 60_000).toISOString(),
      });
      expect(created.status).toBe(201);
      runtime.clock.advance(11 * 60_000);
      const texts = () => runtime.sms.outbox.filter((m) => m.context.campaignId === created.body.campaignId);
      await waitFor(() => texts().length >= 4, 10_000, 'the campaign texts');
      await runtime.settle();
      expect(
        texts()
          .map((m) => m.to)
          .sort(),
      ).toEqual(['+12065550106', '+12065550111', '+12065550131', '+12065550133']);
    });
  });

  describe('an interrupted import', () => {
    // 250 endpoints: three batches; every fifth one opted out.
    const numbers = Array.from({ length: 250 }, (_, i) => `+1206555${String(3000 + i)}`);
    let proxy: Server;
    let proxyUrl: string;
    /** What the proxy does with a batch, by its number and how often it has seen it. */
    let policy: (batch: number, seen: number) => 'forward' | 'refuse' | 'forward, then time out';
    const seen = new Map<number, number>();

    beforeAll(async () => {
      writeFileSync(
        join(dir, 'interrupted.jsonl'),
        numbers
          .map((phone, i) =>
            JSON.stringify({
              ChannelType: 'SMS',
              Address: phone,
              EndpointStatus: 'ACTIVE',
              OptOut: i % 5 === 4 ? 'ALL' : 'NONE',
              EffectiveDate: '2025-06-01T12:00:00.000Z',
            }),
          )
          .join('\n'),
      );
      // Between the command and the runtime: forwards a batch, refuses it with a 502 (a gateway gone
      // mid-import), or forwards it and answers 504 (API Gateway giving up while the function wrote).
      proxy = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          void (async () => {
            const body = Buffer.concat(chunks).toString('utf8');
            const batch = body ? ((JSON.parse(body) as { batch?: number }).batch ?? 0) : 0;
            seen.set(batch, (seen.get(batch) ?? 0) + 1);
            const action = policy(batch, seen.get(batch)!);
            if (action === 'refuse') {
              res.writeHead(502, { 'content-type': 'application/json' });
              res.end(JSON.stringify({ message: 'Bad Gateway' }));
              return;
            }
            const answer = await fetch(`${runtime.url}${req.url}`, {
              method: req.method,
              headers: { 'content-type': 'application/json' },
              ...(body ? { body } : {}),
            });
            const text = await answer.text();
            if (action === 'forward, then time out') {
              res.writeHead(504, { 'content-type': 'application/json' });
              res.end(JSON.stringify({ message: 'Endpoint request timed out' }));
              return;
            }
            res.writeHead(answer.status, { 'content-type': 'application/json' });
            res.end(text);
          })();
        });
      });
      await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
      proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await new Promise((r) => proxy.close(r));
    });

    it('stops with exit 1, then resumes where it stopped and ends as one uninterrupted run would', async () => {
      const args = ['interrupted.jsonl', '--from', 'pinpoint', '--accept-undated-consent'];
      policy = (batch) => (batch > 2 ? 'refuse' : 'forward');
      const broken = await run([...args, '--api', proxyUrl]);
      expect(broken.code).toBe(1);
      expect(broken.stderr).toMatch(/run the same command again to resume/);
      // Batch 1 was recorded; batch 3 was not.
      expect((await consentLog(numbers[0]!)).length).toBe(1);
      expect((await profile(numbers[249]!)).status).toBe(404);
      const firstEntry = (await consentLog(numbers[0]!))[0];

      const resumed = await importJson(args);
      expect(resumed.files[0]).toMatchObject({ batches: 3, replayedBatches: 2 });
      expect(resumed.report).toMatchObject({
        rows: 250,
        created: 200,
        optedOut: 50,
        alreadyImported: 0,
        failed: { count: 0 },
      });
      expect(resumed.report.skipped).toEqual({});
      expect(await consentLog(numbers[0]!)).toEqual([firstEntry]);
      expect((await profile(numbers[249]!)).body.optedOut).toBe(true);
      expect((await profile(numbers[248]!)).body.marketing).toBe('subscribed');
      expect(runtime.sms.outbox.filter((m) => numbers.includes(m.to))).toEqual([]);
    });

    it('sends a batch again when API Gateway stops waiting for it, and counts each row once', async () => {
      const file = 'timed-out.jsonl';
      const phones = Array.from({ length: 150 }, (_, i) => `+1206555${String(4000 + i)}`);
      writeFileSync(
        join(dir, file),
        phones
          .map((phone) =>
            JSON.stringify({ ChannelType: 'SMS', Address: phone, EndpointStatus: 'ACTIVE', OptOut: 'ALL' }),
          )
          .join('\n'),
      );
      seen.clear();
      policy = (batch, times) => (batch === 2 && times === 1 ? 'forward, then time out' : 'forward');
      const result = await run([file, '--from', 'pinpoint', '--json', '--api', proxyUrl]);
      expect(result.code).toBe(0);
      expect(seen.get(2)).toBe(2);
      const output = JSON.parse(result.stdout) as ImportOutput;
      expect(output.report).toMatchObject({ rows: 150, optedOut: 150, failed: { count: 0 } });
      expect((await consentLog(phones[149]!)).length).toBe(1);
    });
  });

  describe('an export in S3', () => {
    // A Pinpoint export job writes several gzipped files under one prefix.
    const endpoint = (phone: string, optOut: 'NONE' | 'ALL') =>
      JSON.stringify({ ChannelType: 'SMS', Address: phone, EndpointStatus: 'ACTIVE', OptOut: optOut });
    const parts = {
      'exports/job-7/part-00000.gz': [endpoint('+12065550701', 'ALL'), endpoint('+12065550702', 'NONE')],
      'exports/job-7/part-00001.gz': [endpoint('+12065550703', 'ALL')],
      // Another job's file, whose key starts like the first job's prefix without its slash.
      'exports/job-70/part-00000.gz': [endpoint('+12065550770', 'ALL')],
    };
    let s3: S3Client;
    let bucket: string;
    const s3Import = (url: string, ...more: string[]) =>
      run([url, '--from', 'pinpoint', '--accept-undated-consent', '--json', ...more]);

    beforeAll(async () => {
      bucket = runtime.bucketNames.imports;
      s3 = new S3Client({
        endpoint: runtime.s3.url,
        forcePathStyle: true,
        region: 'us-east-1',
        credentials: LOCAL_CREDENTIALS,
      });
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'exports/job-7/', Body: Buffer.alloc(0) }));
      for (const [key, lines] of Object.entries(parts))
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: gzipSync(lines.join('\n')) }));
    });
    afterAll(() => s3.destroy());

    it('imports every object under the prefix in key order, each cited by its s3:// URL', async () => {
      const result = await s3Import(`s3://${bucket}/exports/job-7/`);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const output = JSON.parse(result.stdout) as ImportOutput;
      expect(output.files.map((f) => f.file)).toEqual([
        `s3://${bucket}/exports/job-7/part-00000.gz`,
        `s3://${bucket}/exports/job-7/part-00001.gz`,
      ]);
      expect(output.files[1]!.sha256).toBe(
        createHash('sha256')
          .update(gzipSync(parts['exports/job-7/part-00001.gz'].join('\n')))
          .digest('hex'),
      );
      expect(output.report).toMatchObject({ rows: 3, created: 1, optedOut: 2, failed: { count: 0 } });
      expect((await profile('+12065550702')).body).toMatchObject({ marketing: 'subscribed' });
      expect((await profile('+12065550703')).body).toMatchObject({ optedOut: true });
      expect((await profile('+12065550770')).status).toBe(404);
      expect((await consentLog('+12065550703'))[0]?.evidence).toMatchObject({
        method: 'import',
        import: { system: 'pinpoint', fileName: `s3://${bucket}/exports/job-7/part-00001.gz`, line: 1 },
      });
      expect(runtime.sms.outbox.filter((m) => m.to.startsWith('+120655507'))).toEqual([]);
    });

    it("reads one object when the prefix is an object's whole key, and changes nothing again", async () => {
      const logBefore = await consentLog('+12065550703');
      const result = await s3Import(`s3://${bucket}/exports/job-7/part-00001.gz`);
      expect(result.code).toBe(0);
      const output = JSON.parse(result.stdout) as ImportOutput;
      expect(output.files).toHaveLength(1);
      expect(output.files[0]).toMatchObject({ batches: 1, replayedBatches: 1 });
      expect(await consentLog('+12065550703')).toEqual(logBefore);
    });

    it('exits 2 naming an empty prefix, a missing bucket or a malformed URL', async () => {
      const empty = await s3Import(`s3://${bucket}/exports/job-8/`);
      expect(empty.code).toBe(2);
      expect(empty.stderr).toMatch(/exports\/job-8\/ has no objects/);
      const missing = await s3Import('s3://no-such-bucket/exports/');
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/cannot list s3:\/\/no-such-bucket\/exports\/: NoSuchBucket/);
      const malformed = await s3Import('s3://');
      expect(malformed.code).toBe(2);
      expect(malformed.stderr).toMatch(/s3:\/\/ is not s3:\/\/<bucket>\/<prefix>/);
    });
  });
});
