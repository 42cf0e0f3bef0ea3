/**
 * API Gateway (public) → GET /v1/click-to-text?keyword=SPRING[&format=svg] → the `sms:` link that
 * texts the keyword to the program's number, as JSON, or its QR code as an SVG image.
 */
import { optInKeyword, qrSvg, smsLink } from '../domain/click-to-text';
import { ValidationError } from '../domain/errors';
import { environmentOf } from '../../lib/function-environment';
import { httpHandler } from './shared/http';
import { PAGE_HEADERS } from './shared/page';
import { runtimeConfig } from './shared/runtime';

const environment = environmentOf('clickToText');

export const handler = httpHandler(environment, {
  'GET /v1/click-to-text': (request) => {
    const keyword = optInKeyword(runtimeConfig().keywords, request.query.keyword);
    const format = request.query.format ?? 'json';
    if (format !== 'json' && format !== 'svg')
      throw new ValidationError('format: must be json or svg', 'format');
    const number = environment().originationNumber;
    const link = smsLink(number, keyword);
    if (format === 'svg') {
      return Promise.resolve({
        status: 200,
        text: qrSvg(link),
        headers: { ...PAGE_HEADERS, 'content-type': 'image/svg+xml' },
      });
    }
    return Promise.resolve({ status: 200, body: { keyword, number, link } });
  },
});
