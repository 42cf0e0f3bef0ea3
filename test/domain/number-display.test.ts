import { describe, expect, it } from 'vitest';
import { displayNumber, finalMessageProblems } from '../../lambdas/domain/number-change';

describe('the new number as the announcement writes it', () => {
  it('writes North American numbers the way people there read them', () => {
    expect(displayNumber('+18885550199')).toBe('(888) 555-0199');
    expect(displayNumber('+12065550100')).toBe('(206) 555-0100');
  });

  it('writes other numbers in E.164, which dials from any phone', () => {
    expect(displayNumber('+447700900123')).toBe('+447700900123');
    expect(displayNumber('+33612345678')).toBe('+33612345678');
  });

  it('accepts a final message that gives the new number either way', () => {
    const program = { brand: 'Acme', programName: 'Acme Deals', messageFrequency: 'Up to 4 msgs/month' };
    const tail = 'Reply HELP for help, STOP to opt out.';
    for (const written of ['(888) 555-0199', '+1 888 555 0199', '888.555.0199']) {
      expect(
        finalMessageProblems(`Acme texts now come from ${written}. ${tail}`, program, '+18885550199'),
      ).toEqual([]);
    }
    expect(
      finalMessageProblems(`Acme texts now come from +44 7700 900123. ${tail}`, program, '+447700900123'),
    ).toEqual([]);
    expect(finalMessageProblems(`Acme texts move soon. ${tail}`, program, '+447700900123')).toEqual([
      'the new number',
    ]);
  });
});
