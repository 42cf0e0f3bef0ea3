/**
 * `optline preview "<body>"`: how a text will be encoded, billed and linted, as send() would send it,
 * with the brand and links settings of the project's cdk.json. Runs offline.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InvalidPhoneNumberError } from '../lambdas/domain/errors';
import {
  DEFAULT_CODE_LENGTH,
  findUrls,
  SAMPLE_LINKS_DOMAIN,
  sampleApiOrigin,
  sampleShortLink,
  shortLinkPrefix,
  withSampleLinks,
} from '../lambdas/domain/links';
import { analyseMessage, encodeForSending } from '../lambdas/domain/message-format';
import { estimateCost, lintMessage, type CostEstimate } from '../lambdas/domain/message-lint';
import { normalisePhone } from '../lambdas/domain/phone';
import type { DeploymentConfig } from '../lib/config';
import { loadLocalConfig } from '../local/load-config';
import { EXIT_OK, parse, UsageError, type CliIo, type Command } from './command';

/** The preview country when `--to` is not given: most Optline programs text US numbers. */
const DEFAULT_COUNTRY = 'US';

export const preview: Command = {
  usage: [
    'Usage: optline preview "<body>" [--to <phone>] [--brand <brand>] [--media <url>]... [--link-domain <domain>]',
    '                       [--require-opt-out] [--json]',
    '',
    'Shows how a text will be encoded and billed, and what carriers may object to. Its links are',
    "counted as the short links they become: on links.domain in cdk.json, else on the API's",
    "execute-api address in the stack's region (CDK_DEFAULT_REGION, AWS_REGION, else us-east-1).",
    '',
    'Options:',
    `  --to <phone>        Destination number; its country picks the price (default ${DEFAULT_COUNTRY})`,
    '  --brand <brand>     Brand for the prefix check (default: optline.brand in cdk.json)',
    '  --media <url>       Media to attach (repeatable): the estimate becomes an MMS',
    '  --link-domain <domain>  Count the short links on this domain (default: links.domain in cdk.json)',
    '  --require-opt-out   Warn when the text has no "Reply STOP to opt out" language',
    '  --json              Print { encoding, smartEncoded, characters, segments, costEstimate, links, warnings }',
    '  -h, --help          Show this help',
    '',
    'A body that starts with "-" goes after "--": optline preview -- "-20% today only"',
  ].join('\n'),
  run: runPreview,
};

function runPreview(args: readonly string[], io: CliIo): number {
  const { values, positionals } = parse(args, {
    to: { type: 'string' },
    brand: { type: 'string' },
    media: { type: 'string', multiple: true },
    'link-domain': { type: 'string' },
    'require-opt-out': { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(preview.usage);
    return EXIT_OK;
  }
  if (positionals.length > 1) {
    throw new UsageError(`expected one message body, got ${positionals.length} arguments (quote the body)`);
  }
  const body = positionals[0];
  if (body === undefined || body.trim() === '') throw new UsageError('missing message body');

  const country = values.to === undefined ? DEFAULT_COUNTRY : countryOf(values.to);
  const config = configFromProject(io, values.brand === undefined);
  const brand = values.brand ?? config?.program.brand ?? '';
  const mediaUrls = values.media ?? [];
  const links = linksAsSent(values['link-domain'], config, io.env);
  // The text as sent: each URL the short link it becomes, at its real length.
  const sent = withSampleLinks(body, links.prefix, links.codeLength);
  const hasLinks = findUrls(body).length > 0;

  // What End User Messaging gets: with sending.smartEncoding (on by default), look-alikes for the
  // characters that would force UCS-2, as send() sends them.
  const outbound = encodeForSending(sent, config?.program.sending.smartEncoding ?? true);
  const analysis = analyseMessage(outbound.text);
  const mms = mediaUrls.some((url) => url.trim() !== '');
  const costEstimate = estimateCost(analysis, country, { mms }) ?? null;
  const warnings = lintMessage(outbound.text, {
    brand,
    country,
    requireOptOutLanguage: values['require-opt-out'] ?? false,
    ...(values.media === undefined ? {} : { mediaUrls }),
    ...(hasLinks && links.source === 'execute-api' && !mms
      ? { onLinksDomain: withSampleLinks(body, `https://${SAMPLE_LINKS_DOMAIN}`, links.codeLength) }
      : {}),
  }).map(({ code, message }) => ({ code, message }));
  const linkSummary = { example: links.example, source: links.source };

  if (values.json) {
    const result = {
      encoding: analysis.encoding,
      smartEncoded: outbound.smartEncoded,
      characters: analysis.characters,
      segments: analysis.segments,
      costEstimate,
      links: linkSummary,
      warnings,
    };
    io.out(JSON.stringify(result, null, 2));
    return EXIT_OK;
  }

  const unitName = analysis.encoding === 'GSM-7' ? 'septets' : 'UTF-16 code units';
  const lines = [
    `Encoding     ${analysis.encoding}${outbound.smartEncoded ? ' (smart encoding: look-alikes sent for the characters that would force UCS-2)' : ''}`,
    `Characters   ${analysis.characters}${analysis.units === analysis.characters ? '' : ` (${analysis.units} ${unitName})`}`,
    `Segments     ${analysis.segments} (${analysis.perSegment} characters per segment)`,
    `Cost         ${describeCost(costEstimate, country, mms)}`,
    `Links        ${hasLinks ? 'counted as' : 'none; a link would be'} ${links.example} (${links.described})`,
  ];
  if (warnings.length === 0) {
    lines.push('Warnings     none');
  } else {
    lines.push(`Warnings     ${warnings.length}`);
    for (const warning of warnings) lines.push(`  ${warning.code}: ${warning.message}`);
  }
  io.out(lines.join('\n'));
  return EXIT_OK;
}

function countryOf(to: string): string {
  try {
    return normalisePhone(to, { defaultCountry: DEFAULT_COUNTRY, allowedCountries: ['*'] }, '--to').country;
  } catch (error) {
    if (error instanceof InvalidPhoneNumberError) {
      throw new UsageError(`invalid --to "${to}": ${error.message}`);
    }
    throw error;
  }
}

/**
 * The project's deployment config (cdk.json `optline`): the brand, the links settings and the stage.
 * Without one the brand check is skipped (when no --brand is given), with a note on stderr so `--json`
 * output stays clean.
 */
function configFromProject(io: CliIo, needBrand: boolean): DeploymentConfig | undefined {
  const root = findProjectRoot(io.cwd);
  try {
    return loadLocalConfig(root);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (needBrand)
      io.err(
        `optline: no brand from ${join(root, 'cdk.json')} (${reason}); pass --brand. Skipping the brand check.`,
      );
    return undefined;
  }
}

/** Where the preview's links go: `--link-domain`, `links.domain`, or the API's execute-api address. */
interface LinksAsSent {
  readonly source: 'link-domain-option' | 'links.domain' | 'execute-api';
  /** The short-link prefix (`https://go.acme.com`, `https://<id>.execute-api…/prod/r`). */
  readonly prefix: string;
  readonly codeLength: number;
  /** A short link of the real length. */
  readonly example: string;
  readonly described: string;
}

const DOMAIN_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

function linksAsSent(
  option: string | undefined,
  config: DeploymentConfig | undefined,
  env: CliIo['env'],
): LinksAsSent {
  const codeLength = config?.program.links.codeLength ?? DEFAULT_CODE_LENGTH;
  const onDomain = (domain: string, source: LinksAsSent['source'], described: string): LinksAsSent => {
    const prefix = shortLinkPrefix(`https://${domain}`, { domain });
    return { source, prefix, codeLength, example: sampleShortLink(prefix, codeLength), described };
  };
  if (option !== undefined) {
    const domain = option.trim().toLowerCase();
    if (!DOMAIN_NAME.test(domain))
      throw new UsageError(`invalid --link-domain "${option}": expected a domain name such as go.acme.com`);
    return onDomain(domain, 'link-domain-option', '--link-domain');
  }
  const domain = config?.program.links.domain;
  if (domain !== undefined) return onDomain(domain, 'links.domain', 'links.domain in cdk.json');
  const region = env.CDK_DEFAULT_REGION ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const prefix = shortLinkPrefix(sampleApiOrigin(region, config?.stage ?? 'prod'), {});
  return {
    source: 'execute-api',
    prefix,
    codeLength,
    example: sampleShortLink(prefix, codeLength),
    described: `the API's execute-api address in ${region}: no links.domain in cdk.json`,
  };
}

/** The nearest directory from `start` up that has a cdk.json, else the project this CLI belongs to. */
function findProjectRoot(start: string): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'cdk.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(__dirname, '..');
    dir = parent;
  }
}

function describeCost(cost: CostEstimate | null, country: string, mms: boolean): string {
  if (!cost) return `no ${mms ? 'MMS' : 'SMS'} price for ${country} in the built-in table`;
  const units =
    cost.channel === 'MMS' ? '1 MMS' : `${cost.segments} SMS segment${cost.segments === 1 ? '' : 's'}`;
  return `${formatUsd(cost.perMessageUsd)} per message to ${cost.country} (${units}; approximate 2025 list price)`;
}

function formatUsd(value: number): string {
  const [whole, fraction = ''] = value.toFixed(5).split('.');
  return `$${whole}.${fraction.replace(/0+$/, '').padEnd(2, '0')}`;
}
