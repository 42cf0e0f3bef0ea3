/** The preference-page link of a recipient, for senders whose templates print `{{ preferences_url }}`. */
import { SecretsManagerPreferenceKeys } from '../../adapters/preference-keys';
import { systemClock } from '../../adapters/system-clock';
import { preferenceLink } from '../../services/preference-links';
import { runtimeConfig } from './runtime';

export function preferencesUrlMaker(environment: {
  readonly preferenceKey: string;
  readonly linkBase: string;
}): (phone: string) => Promise<string> {
  const keys = new SecretsManagerPreferenceKeys(environment.preferenceKey, systemClock);
  return async (phone) =>
    (
      await preferenceLink(
        keys,
        {
          linkBase: environment.linkBase,
          ttlDays: runtimeConfig().preferences.linkTtlDays,
          now: systemClock.now(),
        },
        phone,
      )
    ).url;
}
