/**
 * `optline consent`: the consent log as evidence. `verify` recomputes a number's hash chain from its
 * log as the API serves it (or every number's, from the table) and reports each break; `chain` adds
 * the chain to entries recorded before it; `check-certificate` checks a consent certificate's hash,
 * signature and chain against the public key. Exit code 0 when every chain is intact (the
 * certificate valid), 1 when one is broken (or the API or AWS answered an error), 2 on bad usage.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConsentLogEntry } from '../lambdas/domain/consent';
import { checkCertificate } from '../lambdas/domain/consent-certificate';
import { attachedCertificate, CERTIFICATE_ATTACHMENT_NAME } from '../lambdas/domain/consent-certificate-pdf';
import { verifyChain, type ChainReport } from '../lambdas/domain/consent-chain';
import { apiFailure } from './api-commands';
import { apiClient, TARGET_OPTIONS, TARGET_USAGE } from './api-target';
import { EXIT_API_ERROR, EXIT_OK, parse, UsageError, type CliIo, type Command } from './command';
import { chainExistingEntries, numbersOf } from './consent-log-table';
import { tableTarget } from './table-target';

const TABLE_USAGE = [
  'The whole table (--all, chain), with your AWS credentials:',
  '  --table <name>      The consent-log table (default: the ConsentLogTableName output of --stack)',
].join('\n');

export const consent: Command = {
  usage: [
    'Usage: optline consent verify <phone> [options]',
    '       optline consent verify --all [--table <name>] [options]',
    '       optline consent chain [--table <name>] [options]',
    '       optline consent check-certificate <file.json|file.pdf> [--public-key <file.pem>] [options]',
    '',
    'verify  Recomputes the hash chain of the number (GET /v1/profiles/{phone}/consent-log), or of',
    '        every number in the table, and lists each break: the entry whose content no longer',
    '        gives its hash, or whose prevHash is not the hash of the entry before it. Exit 1 on a break.',
    'chain   Adds prevHash and hash to the entries recorded before the chain (idempotent).',
    'check-certificate',
    '        Checks a certificate saved from GET /v1/profiles/{phone}/consent-certificate (the JSON,',
    '        or the PDF, whose attached consent-certificate.json is checked): its hash',
    "        is the SHA-256 of its canonical JSON, the signature is the key's, and its consent log",
    '        chains up to its head. The key is --public-key, else GET /v1/consent-certificates/public-key',
    '        (which must be the key that signed it). Exit 1 when any check fails.',
    '  --public-key <file> The public key, PEM (no API call)',
    '',
    TARGET_USAGE,
    '',
    TABLE_USAGE,
    '  -h, --help          Show this help',
  ].join('\n'),
  run: runConsent,
};

async function runConsent(args: readonly string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args;
  if (action === '--help' || action === '-h') {
    io.out(consent.usage);
    return EXIT_OK;
  }
  if (action !== 'verify' && action !== 'chain' && action !== 'check-certificate')
    throw new UsageError(
      action === undefined
        ? 'missing action: verify, chain, check-certificate'
        : `unknown action "${action}"`,
    );
  const { values, positionals } = parse(rest, {
    ...TARGET_OPTIONS,
    all: { type: 'boolean' },
    table: { type: 'string' },
    'public-key': { type: 'string' },
  });
  if (values.help) {
    io.out(consent.usage);
    return EXIT_OK;
  }
  try {
    if (action === 'check-certificate') return await checkCertificateFile(positionals, values, io);
    if (action === 'chain') {
      if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
      const result = await chainExistingEntries(await tableTarget(values, io, 'ConsentLogTableName'));
      if (values.json) io.out(JSON.stringify(result, null, 2));
      else
        io.out(
          `Chained ${result.chained} entries of ${result.numbers} numbers (${result.alreadyChained} were already chained)`,
        );
      return EXIT_OK;
    }
    if (values.all) {
      if (positionals.length > 0) throw new UsageError('give a phone number or --all, not both');
      const reports: (ChainReport & { phone: string })[] = [];
      for await (const { phone, entries } of numbersOf(await tableTarget(values, io, 'ConsentLogTableName')))
        reports.push({ phone, ...verifyChain(entries) });
      return report(reports, values.json === true, io);
    }
    if (positionals.length !== 1)
      throw new UsageError(
        positionals.length === 0 ? 'missing <phone> (or --all)' : `unexpected argument ${positionals[1]}`,
      );
    const client = await apiClient(values, io.env);
    const log = await client.getConsentLog(positionals[0]!);
    return report([{ phone: log.phone, ...verifyChain(log.events.map(asStored)) }], values.json === true, io);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (isAwsError(error)) {
      io.err(`optline consent ${action}: ${error.name}: ${error.message}`);
      return EXIT_API_ERROR;
    }
    return apiFailure(`consent ${action}`, error, io);
  }
}

async function checkCertificateFile(
  positionals: readonly string[],
  values: Parameters<typeof apiClient>[0] & { 'public-key'?: string; json?: boolean },
  io: CliIo,
): Promise<number> {
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length === 0 ? 'missing <file.json>' : `unexpected argument ${positionals[1]}`,
    );
  const readBytes = (path: string, what: string) => {
    try {
      return readFileSync(resolve(io.cwd, path));
    } catch (error) {
      throw new UsageError(`cannot read ${what} ${path}: ${(error as Error).message}`);
    }
  };
  const read = (path: string, what: string) => readBytes(path, what).toString('utf8');
  let document: unknown;
  try {
    document = JSON.parse(
      await certificateText(positionals[0]!, readBytes(positionals[0]!, 'the certificate')),
    );
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${positionals[0]} is not JSON: ${(error as Error).message}`);
  }
  const problems: string[] = [];
  let publicKey: string;
  if (values['public-key']) publicKey = read(values['public-key'], 'the public key');
  else {
    const key = await (await apiClient(values, io.env)).getCertificatePublicKey();
    publicKey = key.publicKey;
    const keyId = (document as { keyId?: unknown } | null)?.keyId;
    if (keyId !== key.keyId) problems.push(`signed by ${String(keyId)}, not by the API's key ${key.keyId}`);
  }
  const check = checkCertificate(document, publicKey);
  const valid = check.valid && problems.length === 0;
  const all = [...check.problems, ...problems];
  const certificate = (document as { certificate?: { phone?: unknown; issuedAt?: unknown } }).certificate;
  if (values.json) io.out(JSON.stringify({ ...check, valid, problems: all }, null, 2));
  else {
    io.out(
      `${String(certificate?.phone)} issued ${String(certificate?.issuedAt)}: ${valid ? 'VALID' : 'NOT VALID'}` +
        ` (hash ${check.hashMatches ? 'matches' : 'differs'}, signature ${check.signatureValid ? 'valid' : 'invalid'},` +
        ` chain ${check.chainIntact ? 'intact' : 'broken'})`,
    );
    for (const problem of all) io.out(`  ${problem}`);
  }
  return valid ? EXIT_OK : EXIT_API_ERROR;
}

/** The certificate's JSON: the file itself, or the one attached to a certificate PDF. */
async function certificateText(path: string, bytes: Buffer): Promise<string> {
  if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') return bytes.toString('utf8');
  let attached: string | undefined;
  try {
    attached = await attachedCertificate(bytes);
  } catch (error) {
    throw new UsageError(`${path} cannot be read as a PDF: ${(error as Error).message}`);
  }
  if (attached === undefined) throw new UsageError(`${path} has no ${CERTIFICATE_ATTACHMENT_NAME} attached`);
  return attached;
}

/** An entry as stored: the API adds each change's `status`, which the hash does not cover. */
function asStored(event: Record<string, unknown>): ConsentLogEntry {
  const { status: _status, ...entry } = event;
  return entry as unknown as ConsentLogEntry;
}

function report(reports: readonly (ChainReport & { phone: string })[], json: boolean, io: CliIo): number {
  const broken = reports.filter((r) => !r.intact);
  if (json) io.out(JSON.stringify(reports.length === 1 ? reports[0] : { numbers: reports }, null, 2));
  else {
    for (const r of reports) {
      if (r.intact) {
        if (reports.length === 1) io.out(`${r.phone}: chain intact, ${r.entries} entries, head ${r.head}`);
        continue;
      }
      io.out(`${r.phone}: chain BROKEN (${r.breaks.length} breaks in ${r.entries} entries)`);
      for (const b of r.breaks)
        io.out(
          `  entry ${b.seq} (${b.eventKey}): ${b.reason}${b.expected ? ` expected ${b.expected}, found ${b.found}` : ''}`,
        );
    }
    if (reports.length !== 1)
      io.out(`${reports.length} numbers: ${reports.length - broken.length} intact, ${broken.length} broken`);
  }
  return broken.length > 0 ? EXIT_API_ERROR : EXIT_OK;
}

function isAwsError(error: unknown): error is Error & { $metadata: unknown } {
  return error instanceof Error && '$metadata' in error;
}
