/**
 * Claiming a text's short links: a code another link holds gives way to the link's next candidate,
 * and the text is changed to print the code that was claimed.
 */
import { describe, expect, it } from 'vitest';
import { MAX_CODE_ATTEMPTS, shortenLinks } from '../../lambdas/domain/links';
import { claimShortLinks } from '../../lambdas/services/short-links';
import { InMemoryLinkStore } from '../support/fakes/link-store';

const PREFIX = 'https://go.acme.example';
const owner = {
  phone: '+12065550100',
  messageId: 'flow#browse#1',
  flowId: 'browseAbandonment',
  createdAt: '2026-12-01T12:00:00.000Z',
  expiresAt: 1_800_000_000,
};
const codeOf = (index: number, attempt: number) => `L${index}a${attempt}xxxx`;
const text = () =>
  shortenLinks('Beans: https://shop.example/a and cups: https://shop.example/b', PREFIX, (i) => codeOf(i, 0));

describe('claimShortLinks', () => {
  it('claims each link under its code with its owner, the text unchanged', async () => {
    const store = new InMemoryLinkStore();
    const claimed = await claimShortLinks(store, text(), { prefix: PREFIX, codeOf, owner });
    expect(claimed.body).toBe(`Beans: ${PREFIX}/L0a0xxxx and cups: ${PREFIX}/L1a0xxxx`);
    expect(await store.get('L1a0xxxx')).toMatchObject({ ...owner, url: 'https://shop.example/b' });
  });

  it('takes the next candidate when another link holds a code, and prints that one', async () => {
    const store = new InMemoryLinkStore();
    await store.claim({ ...owner, messageId: 'other', code: 'L1a0xxxx', url: 'https://elsewhere.example' });
    const claimed = await claimShortLinks(store, text(), { prefix: PREFIX, codeOf, owner });
    expect(claimed.body).toBe(`Beans: ${PREFIX}/L0a0xxxx and cups: ${PREFIX}/L1a1xxxx`);
    expect(claimed.links.map((l) => l.code)).toEqual(['L0a0xxxx', 'L1a1xxxx']);
    expect((await store.get('L1a0xxxx'))?.url).toBe('https://elsewhere.example');
    expect((await store.get('L1a1xxxx'))?.url).toBe('https://shop.example/b');
  });

  it('keeps its codes when the same text is claimed again (a retried send)', async () => {
    const store = new InMemoryLinkStore();
    const first = await claimShortLinks(store, text(), { prefix: PREFIX, codeOf, owner });
    const again = await claimShortLinks(store, text(), { prefix: PREFIX, codeOf, owner });
    expect(again).toEqual(first);
  });

  it('fails the send when every candidate is taken', async () => {
    const store = new InMemoryLinkStore();
    for (let attempt = 0; attempt < MAX_CODE_ATTEMPTS; attempt++)
      await store.claim({ ...owner, messageId: 'other', code: codeOf(0, attempt), url: 'https://x.example' });
    await expect(claimShortLinks(store, text(), { prefix: PREFIX, codeOf, owner })).rejects.toThrow(
      /no free short-link code/,
    );
  });
});
