/** An in-memory LinkStore for service tests; test/adapters/store-contracts.test.ts holds it to the DynamoDB store's behaviour. */
import type { LinkRecord, LinkStore } from '../../../lambdas/domain/stores/link';

export class InMemoryLinkStore implements LinkStore {
  readonly links = new Map<string, LinkRecord & { lastClickAt?: string }>();

  async claim(link: LinkRecord): Promise<boolean> {
    // As the conditional put does: the code is free, or held by this same link (a retried send).
    const held = this.links.get(link.code);
    if (held && (held.messageId !== link.messageId || held.url !== link.url)) return false;
    this.links.set(link.code, structuredClone(link));
    return true;
  }

  async get(code: string): Promise<LinkRecord | undefined> {
    const link = this.links.get(code);
    return link && structuredClone(link);
  }

  async countClick(code: string, at: string): Promise<number> {
    const link = this.links.get(code);
    // As the conditional update does: a click on an unknown code changes nothing and fails.
    if (!link) throw new Error(`no short link ${code}`);
    const before = link.clicks ?? 0;
    this.links.set(code, { ...link, clicks: before + 1, lastClickAt: at });
    return before;
  }
}
