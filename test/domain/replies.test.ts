/** The program's required texts read as a person would write them. */
import { describe, expect, it } from 'vitest';
import { OPT_OUT_LANGUAGE, withOptOutLanguage } from '../../lambdas/domain/messages';
import { helpReply, optInConfirmation, optInRequest } from '../../lambdas/domain/replies';

const PROGRAM = {
  brand: 'Acme Coffee',
  programName: 'Acme Coffee Texts',
  supportContact: 'help@acme-coffee.example',
  messageFrequency: 'Up to 6 msgs/mo',
  termsUrl: 'https://acme-coffee.example/sms-terms',
  privacyUrl: 'https://acme-coffee.example/privacy',
};

const occurrences = (text: string, part: string) => text.split(part).length - 1;

describe('opt-in request', () => {
  it.each([
    ['a program named after the brand', PROGRAM],
    ['a program named otherwise', { ...PROGRAM, programName: 'Bean Club' }],
  ])('names the brand once, in its prefix, for %s', (_, program) => {
    const text = optInRequest(program);
    expect(text).toMatch(/^Acme Coffee: Reply Y to confirm you want recurring automated marketing texts\. /);
    expect(occurrences(text, 'Acme Coffee')).toBe(1);
    expect(text).not.toMatch(/texts from/i);
  });

  it('keeps what carriers expect: consent, frequency, rates, HELP, STOP, terms and privacy', () => {
    const text = optInRequest(PROGRAM);
    for (const part of [
      'Consent is not a condition of purchase.',
      'Up to 6 msgs/mo.',
      'Msg & data rates may apply.',
      'Reply HELP for help, STOP to cancel.',
      'Terms: https://acme-coffee.example/sms-terms',
      'Privacy: https://acme-coffee.example/privacy',
    ])
      expect(text).toContain(part);
  });

  it('leaves the program name to the confirmation and the HELP answer', () => {
    expect(optInConfirmation(PROGRAM)).toContain("You're subscribed to Acme Coffee Texts!");
    expect(helpReply(PROGRAM)).toContain('Acme Coffee Texts help at');
  });
});

describe('opt-out language on marketing texts', () => {
  it.each([
    [
      'Welcome! Use code WELCOME10 for 10% off.',
      'Welcome! Use code WELCOME10 for 10% off. Reply STOP to opt out.',
    ],
    ['Back in stock!', 'Back in stock! Reply STOP to opt out.'],
    ['Is it time for a refill?', 'Is it time for a refill? Reply STOP to opt out.'],
    ['See the menu (today only).', 'See the menu (today only). Reply STOP to opt out.'],
  ])('follows a sentence after a space: %j', (body, expected) => {
    expect(withOptOutLanguage(body)).toBe(expected);
  });

  it.each([
    ['Here is your 10% off code: WELCOME10', 'Here is your 10% off code: WELCOME10\nReply STOP to opt out.'],
    [
      'Complete your order: https://acme.example/cart/c-1',
      'Complete your order: https://acme.example/cart/c-1\nReply STOP to opt out.',
    ],
    ['Fall menu is here 🎉', 'Fall menu is here 🎉\nReply STOP to opt out.'],
  ])('goes on a line of its own after a code, a link or a word, never run into it: %j', (body, expected) => {
    expect(withOptOutLanguage(body)).toBe(expected);
    expect(withOptOutLanguage(body).endsWith(OPT_OUT_LANGUAGE)).toBe(true);
  });

  it('drops trailing blanks before it', () => {
    expect(withOptOutLanguage('Back in stock!  \n')).toBe('Back in stock! Reply STOP to opt out.');
  });
});
