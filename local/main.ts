/**
 * `npm start`: the whole platform on this machine. Its settings are environment variables
 * (`OPTLINE_PORT`, `OPTLINE_MPS`, …), documented in docs/local-runtime.md#settings; a bad value exits
 * with code 2.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../lib/config';
import { loadLocalConfig } from './load-config';
import { startLocalRuntime } from './runtime';
import { LOCAL_SIGNING_SCOPE, parseLocalCredentials } from './signature-check';

function numberSetting(
  name: string,
  fallback: number | undefined,
  check: (n: number) => boolean,
): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || !check(value)) {
    console.error(`${name}=${raw} is not valid`);
    process.exit(2);
  }
  return value;
}

// The SDK warns that Node 20 support ends in 2027; Lambdas run Node 22 in AWS.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<void> {
  const root = resolve(__dirname, '..');
  let config;
  try {
    config = loadLocalConfig(root, process.env.OPTLINE_CONFIG_JSON);
  } catch (error) {
    console.error(
      error instanceof ConfigError ? error.message : `Cannot read the config: ${(error as Error).message}`,
    );
    process.exit(2);
  }
  const port = numberSetting('OPTLINE_PORT', 3000, (n) => Number.isInteger(n) && n >= 0 && n < 65536) ?? 3000;
  const mps = numberSetting('OPTLINE_MPS', undefined, (n) => n > 0);
  const timeScale = numberSetting('OPTLINE_TIME_SCALE', 1, (n) => n > 0);
  const clockStartRaw = process.env.OPTLINE_CLOCK_START;
  const clockStart = clockStartRaw ? new Date(clockStartRaw) : undefined;
  if (clockStart && Number.isNaN(clockStart.getTime())) {
    console.error(`OPTLINE_CLOCK_START=${clockStartRaw} is not an ISO time`);
    process.exit(2);
  }
  const dataDir = process.env.OPTLINE_DATA_DIR ? resolve(process.env.OPTLINE_DATA_DIR) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const authMode = process.env.OPTLINE_LOCAL_AUTH ?? 'optional';
  if (authMode !== 'iam' && authMode !== 'optional') {
    console.error(`OPTLINE_LOCAL_AUTH=${authMode}: use iam (IAM routes require a signature) or optional`);
    process.exit(2);
  }
  let credentials;
  try {
    credentials = parseLocalCredentials(process.env.OPTLINE_LOCAL_CREDENTIALS, 'OPTLINE_LOCAL_CREDENTIALS');
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }

  let webhookSecrets: Record<string, string> = {};
  if (process.env.OPTLINE_WEBHOOK_SECRETS) {
    try {
      const parsed = JSON.parse(process.env.OPTLINE_WEBHOOK_SECRETS) as unknown;
      if (
        !parsed ||
        typeof parsed !== 'object' ||
        Array.isArray(parsed) ||
        !Object.values(parsed).every((value) => typeof value === 'string')
      )
        throw new Error('not an object of strings');
      webhookSecrets = parsed as Record<string, string>;
    } catch {
      console.error('OPTLINE_WEBHOOK_SECRETS must be JSON such as {"<secretName>":"<value>"}');
      process.exit(2);
    }
  }

  const runtime = await startLocalRuntime({
    config,
    port,
    host: process.env.OPTLINE_HOST,
    dataDir,
    messagesPerSecond: mps,
    timeScale,
    clockStart,
    logLevel: process.env.OPTLINE_LOG_LEVEL,
    root,
    auth: { requireIam: authMode === 'iam', credentials },
    webhookSecrets,
  }).catch((error: NodeJS.ErrnoException) => {
    console.error(
      error.code === 'EADDRINUSE'
        ? `Port ${port} is in use: set OPTLINE_PORT to another port`
        : error.message,
    );
    process.exit(1);
  });

  console.log(`Optline is running locally for ${config.program.brand}`);
  console.log(`  Phone simulator  ${runtime.url}/_local/phone`);
  console.log(`  API              ${runtime.url}/v1`);
  for (const form of config.program.forms) console.log(`  Signup form      ${runtime.url}/f/${form.id}`);
  console.log(
    `  Signing          SigV4 access key ${credentials.accessKeyId}, secret ${credentials.secretAccessKey}, region ${LOCAL_SIGNING_SCOPE.region}, service ${LOCAL_SIGNING_SCOPE.service}` +
      (authMode === 'iam' ? ' (required on IAM routes)' : ' (checked when present)'),
  );
  console.log(`  Health           ${runtime.url}/_local/health`);
  console.log(`  Platform number  ${runtime.originationNumber}`);
  console.log(`  Virtual clock    ${runtime.clock.now().toISOString()} ×${runtime.clock.scale}`);
  console.log(`  Data             ${dataDir ?? 'in memory'}`);
  for (const webhook of runtime.webhooks.webhooks) {
    const secret = runtime.webhooks.secrets[webhook.secretName] ?? '';
    const origin = runtime.webhooks.generated.includes(webhook.secretName)
      ? 'generated; set OPTLINE_WEBHOOK_SECRETS to choose it'
      : 'from OPTLINE_WEBHOOK_SECRETS';
    console.log(`  Webhook          ${webhook.url} (${webhook.events.join(', ')})`);
    console.log(`                   header X-Optline-Webhook-Secret: ${secret} (${origin})`);
  }
  console.log(
    `  DynamoDB         ${runtime.dynamo.endpoint} (consent log table ${runtime.dynamo.tableNames.consentLog})`,
  );
  console.log(`  S3               ${runtime.s3.url} (import bucket ${runtime.bucketNames.imports})`);
  console.log('Press Ctrl-C to stop.');

  let stopping = false;
  const shutdown = (reason: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${reason}: stopping…`);
    // Work in flight gets its chance to finish, but the port is free within the 5 s a process
    // manager or a test allows between SIGTERM and SIGKILL.
    setTimeout(() => {
      console.error(`Not stopped after ${STOP_DEADLINE_MS / 1000} s: exiting anyway`);
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    runtime.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGHUP', () => shutdown('SIGHUP'));
  whenParentExits(() => shutdown('The process that started Optline exited'));
}

const STOP_DEADLINE_MS = 4000;

/**
 * Calls `onExit` once the parent process has gone. `npm start` runs `sh -c "node … local/main.ts"`,
 * and a SIGTERM to npm's pid (what a process manager or a test sends to the process it started)
 * reaches that shell, which dies of it without passing it on: left alone, this process would keep
 * serving on its port with nobody to stop it. Ctrl-C signals every process of the terminal's group,
 * this one included.
 */
function whenParentExits(onExit: () => void): void {
  const parent = process.ppid;
  if (parent <= 1) return;
  const timer = setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') return;
      clearInterval(timer);
      onExit();
    }
  }, 250);
  timer.unref();
}

void main();
