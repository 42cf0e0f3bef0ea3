/**
 * Claims the short links of a text about to be sent (domain/links.ts): each code is written with a
 * condition, and a code another link holds takes the link's next candidate, the text changed to
 * match. Campaign texts and flow texts share it.
 */
import { MAX_CODE_ATTEMPTS, withLinkCode, type ShortenedBody } from '../domain/links';
import type { LinkRecord, LinkStore } from '../domain/stores/link';

/** How long a short link keeps redirecting after its text was sent. */
export const LINK_RETENTION_SECONDS = 180 * 86_400;

/** What every link of the text records besides its code and URL. */
export type LinkOwner = Omit<LinkRecord, 'code' | 'url' | 'clicks'>;

export async function claimShortLinks(
  links: LinkStore,
  text: ShortenedBody,
  options: {
    /** Where the codes are printed (`shortLinkPrefix`). */
    readonly prefix: string;
    /** Candidate `attempt` of the code of the `index`th link; attempt 0 is the one in the text. */
    readonly codeOf: (index: number, attempt: number) => string;
    readonly owner: LinkOwner;
  },
): Promise<ShortenedBody> {
  let result = text;
  for (const [index, link] of text.links.entries()) {
    for (let attempt = 0; ; attempt++) {
      if (attempt >= MAX_CODE_ATTEMPTS) throw new Error(`no free short-link code in ${attempt} attempts`);
      const code = attempt === 0 ? link.code : options.codeOf(index, attempt);
      if (await links.claim({ ...options.owner, code, url: link.url })) {
        if (code !== link.code) result = withLinkCode(result, options.prefix, index, code);
        break;
      }
    }
  }
  return result;
}
