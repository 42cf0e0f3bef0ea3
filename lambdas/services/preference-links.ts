/**
 * Links to a subscriber's preference page (`<link base>/p/<token>`, docs/preferences.md): made for
 * `{{ preferences_url }}` in marketing texts and for support agents, opened by the page.
 */
import {
  issuePreferenceToken,
  preferenceLinkExpiry,
  readPreferenceToken,
  type PreferenceTokenContent,
} from '../domain/preference-token';
import type { PreferenceKeys } from '../domain/ports/preference-keys';

/** The path prefix of preference pages (served by the API, mapped by the link domain). */
export const PREFERENCES_PATH = '/p/';

export interface PreferenceLink {
  readonly url: string;
  readonly expiresAt: string;
}

export async function preferenceLink(
  keys: PreferenceKeys,
  options: { readonly linkBase: string; readonly ttlDays: number; readonly now: Date },
  phone: string,
): Promise<PreferenceLink> {
  const expiresAt = preferenceLinkExpiry(options.now, options.ttlDays);
  const token = issuePreferenceToken(await keys.current(), { phone, expiresAt });
  return {
    url: `${options.linkBase.replace(/\/$/, '')}${PREFERENCES_PATH}${token}`,
    expiresAt: expiresAt.toISOString(),
  };
}

/** The subscriber a link's token names, if it is genuine and unexpired. */
export async function openPreferenceToken(
  keys: PreferenceKeys,
  token: string,
  now: Date,
): Promise<PreferenceTokenContent | undefined> {
  return readPreferenceToken(token, await keys.all(), now);
}
