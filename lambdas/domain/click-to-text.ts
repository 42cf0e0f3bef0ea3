/**
 * Click-to-text and QR codes (docs/pages.md#click-to-text-and-qr-codes): an `sms:` link that opens
 * the phone's messaging app with the program's number and an opt-in keyword filled in, and QR codes
 * made with qrcode-generator (a maintained, dependency-free QR encoder).
 */
import qrcode from 'qrcode-generator';
import { ValidationError } from './errors';
import { keywordOf, type Keywords } from './runtime-config';

/**
 * `sms:+12065550100?&body=SPRING`: iOS reads the body after `&`, Android after `?` (it ignores the
 * empty parameter before `&`), so one link opens a prefilled text on both (docs/pages.md).
 */
export function smsLink(number: string, body: string): string {
  return `sms:${number}?&body=${encodeURIComponent(body)}`;
}

/** The opt-in keyword as configured, matched without regard to case; refused when it is not one. */
export function optInKeyword(keywords: Pick<Keywords, 'optIn'>, wanted: unknown): string {
  const words = keywords.optIn.map(keywordOf);
  const found =
    typeof wanted === 'string'
      ? words.find((w) => w.toUpperCase() === wanted.trim().toUpperCase())
      : undefined;
  if (!found) {
    throw new ValidationError(`keyword: must be one of the opt-in keywords (${words.join(', ')})`, 'keyword');
  }
  return found;
}

/**
 * The QR code of a text as an SVG image: error correction M (15% of the code can be damaged), a
 * quiet zone of four modules as the standard asks, scalable to any print size.
 */
export function qrSvg(text: string): string {
  const code = qrcode(0, 'M');
  code.addData(text, 'Byte');
  code.make();
  return code.createSvgTag({ cellSize: 8, margin: 32, scalable: true });
}
