/**
 * Chromium for the browser tests, driven by playwright-core, and never downloaded at test time:
 * 1. `CHROMIUM_PATH`, when set;
 * 2. Debian's Chromium (`/usr/bin/chromium`), where it is installed (`.ci/run` installs it);
 * 3. otherwise the headless Chromium that the `@sparticuz/chromium` dev dependency ships inside its
 *    npm package (brotli-compressed, Linux x64, with the NSS libraries it links and a font), unpacked
 *    once into node_modules/.cache, so that `npm ci && npm test` needs no other set-up.
 */
import { execFileSync } from 'node:child_process';
import {
  accessSync,
  constants,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { brotliDecompressSync, createBrotliDecompress } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';

const ROOT = resolve(__dirname, '..', '..');
const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const PACKAGE = '@sparticuz/chromium';

export interface ChromiumBinary {
  readonly executablePath: string;
  /** Environment the browser needs on top of this process's (the packaged one's libraries and fonts). */
  readonly env?: Readonly<Record<string, string>>;
  readonly source: 'CHROMIUM_PATH' | 'debian' | typeof PACKAGE;
}

/** The browser to launch: see the module comment for the order. */
export async function chromiumBinary(
  candidates: { chromiumPath?: string; debianPath?: string } = {
    chromiumPath: process.env.CHROMIUM_PATH,
    debianPath: DEBIAN_CHROMIUM,
  },
): Promise<ChromiumBinary> {
  if (candidates.chromiumPath) return { executablePath: candidates.chromiumPath, source: 'CHROMIUM_PATH' };
  if (candidates.debianPath && isExecutableFile(candidates.debianPath)) {
    return { executablePath: candidates.debianPath, source: 'debian' };
  }
  return packagedChromium();
}

export async function launchChromium(): Promise<Browser> {
  const binary = await chromiumBinary();
  return chromium.launch({
    executablePath: binary.executablePath,
    headless: true,
    ...(binary.env ? { env: { ...process.env, ...binary.env } } : {}),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The package's Chromium, unpacked into node_modules/.cache/optline-chromium/<version>: the binary,
 * `lib/` (NSS, NSPR and expat, which Debian has only with its own Chromium) and `fonts/`. Unpacked
 * into a temporary folder that is renamed into place, so a concurrent test process never sees half.
 */
async function packagedChromium(): Promise<ChromiumBinary> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `No Chromium for the browser tests: ${PACKAGE} ships one for Linux x64 only. Install Chromium ` +
        `(Debian: apt-get install chromium) or set CHROMIUM_PATH.`,
    );
  }
  const packageRoot = dirname(dirname(dirname(createRequire(join(ROOT, 'package.json')).resolve(PACKAGE))));
  const { version } = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {
    version: string;
  };
  const cache = join(ROOT, 'node_modules', '.cache', 'optline-chromium');
  const dir = join(cache, version);
  const binary = { executablePath: join(dir, 'chromium'), env: environment(dir), source: PACKAGE } as const;
  if (existsSync(binary.executablePath)) return binary;

  mkdirSync(cache, { recursive: true });
  const staging = mkdtempSync(join(cache, `${version}-unpacking-`));
  try {
    const bin = join(packageRoot, 'bin');
    await pipeline(
      createReadStream(join(bin, 'chromium.br')),
      createBrotliDecompress(),
      createWriteStream(join(staging, 'chromium'), { mode: 0o755 }),
    );
    untar(join(bin, 'al2023.tar.br'), staging); // lib/libnss3.so …
    mkdirSync(join(staging, 'fonts'));
    untar(join(bin, 'fonts.tar.br'), join(staging, 'fonts')); // fonts/Open_Sans/*.ttf, fonts.conf
    // Its own fonts.conf names the serverless hosts' folders; this one names ours.
    writeFileSync(
      join(staging, 'fonts', 'fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n` +
        `  <dir>${join(dir, 'fonts', 'fonts')}</dir>\n  <cachedir>${join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
    );
    try {
      renameSync(staging, dir);
    } catch (error) {
      // Another test process unpacked it first.
      if (!existsSync(binary.executablePath)) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return binary;
}

function environment(dir: string): Record<string, string> {
  const libraries = [join(dir, 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  return { LD_LIBRARY_PATH: libraries, FONTCONFIG_PATH: join(dir, 'fonts') };
}

/** Unpacks a brotli-compressed tar file into `into` with the system's tar. */
function untar(file: string, into: string): void {
  execFileSync('tar', ['-x', '-C', into], { input: brotliDecompressSync(readFileSync(file)) });
}
