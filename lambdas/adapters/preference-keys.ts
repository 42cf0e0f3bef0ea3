/**
 * The versions of the preference-link secret (Secrets Manager): AWSCURRENT makes new links, and
 * AWSCURRENT and AWSPREVIOUS both open them, so a link made just before a rotation keeps working
 * until it expires. Read once per execution environment and again after five minutes, so a
 * rotation reaches every function within that time without a call per request.
 */
import { GetSecretValueCommand, ResourceNotFoundException } from '@aws-sdk/client-secrets-manager';
import type { Clock } from '../domain/clock';
import { preferenceKeyId, type PreferenceKey } from '../domain/preference-token';
import type { PreferenceKeys } from '../domain/ports/preference-keys';
import { secretsClient } from './aws-clients';

const REFRESH_MS = 5 * 60 * 1000;

export class SecretsManagerPreferenceKeys implements PreferenceKeys {
  private loaded: { at: number; keys: Promise<readonly PreferenceKey[]> } | undefined;

  constructor(
    private readonly secretId: string,
    private readonly clock: Clock,
  ) {}

  async current(): Promise<PreferenceKey> {
    const [key] = await this.all();
    if (!key) throw new Error('the preference-link secret has no current version');
    return key;
  }

  all(): Promise<readonly PreferenceKey[]> {
    const now = this.clock.now().getTime();
    if (!this.loaded || now - this.loaded.at >= REFRESH_MS) {
      const keys = Promise.all([this.version('AWSCURRENT'), this.version('AWSPREVIOUS')]).then((versions) =>
        versions.filter((key): key is PreferenceKey => key !== undefined),
      );
      // A failed read is not kept: the next request tries again.
      keys.catch(() => {
        if (this.loaded?.keys === keys) this.loaded = undefined;
      });
      this.loaded = { at: now, keys };
    }
    return this.loaded.keys;
  }

  private async version(stage: 'AWSCURRENT' | 'AWSPREVIOUS'): Promise<PreferenceKey | undefined> {
    try {
      const answer = await secretsClient().send(
        new GetSecretValueCommand({ SecretId: this.secretId, VersionStage: stage }),
      );
      if (!answer.SecretString || !answer.VersionId) return undefined;
      return { id: preferenceKeyId(answer.VersionId), secret: answer.SecretString };
    } catch (error) {
      // A secret never rotated has no AWSPREVIOUS version.
      if (stage === 'AWSPREVIOUS' && error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  }
}
