/**
 * `optline qr --keyword SPRING --out spring.svg`: the click-to-text QR code of an opt-in keyword, for
 * print. The link comes from the API (`GET /v1/click-to-text`, which knows the program's number);
 * the QR code is drawn here with the same code the API uses.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { qrSvg } from '../lambdas/domain/click-to-text';
import { apiFailure } from './api-commands';
import { apiClient, TARGET_OPTIONS, TARGET_USAGE } from './api-target';
import { EXIT_OK, parse, UsageError, type CliIo, type Command } from './command';

export const qr: Command = {
  usage: [
    'Usage: optline qr --keyword <KEYWORD> [--out <file.svg>] [options]',
    '',
    "Writes the QR code of the sms: link that texts the keyword to the program's number",
    '(GET /v1/click-to-text); without --out, prints the SVG.',
    '',
    'Options:',
    '  --keyword <KEYWORD> An opt-in keyword of the config (keywords.optIn)',
    '  --out <file.svg>    The file to write',
    '',
    TARGET_USAGE,
  ].join('\n'),
  run: async (args: readonly string[], io: CliIo): Promise<number> => {
    const { values, positionals } = parse(args, {
      keyword: { type: 'string' },
      out: { type: 'string' },
      ...TARGET_OPTIONS,
    });
    if (values.help) {
      io.out(qr.usage);
      return EXIT_OK;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const keyword = values.keyword;
    if (!keyword) throw new UsageError('missing --keyword');
    try {
      const client = await apiClient(values, io.env);
      const { link } = await client.clickToText(keyword);
      const svg = qrSvg(link);
      if (typeof values.out === 'string') {
        writeFileSync(resolve(io.cwd, values.out), `${svg}\n`);
        io.out(`Wrote the QR code of ${link} to ${values.out}`);
      } else {
        io.out(svg);
      }
      return EXIT_OK;
    } catch (error) {
      return apiFailure('qr', error, io);
    }
  },
};
