/**
 * Secrets Manager for the local runtime: the stack's secrets (the preference-link key), each created
 * with a random value as `GenerateSecretString` creates it in AWS, with versions and the staging
 * labels AWSCURRENT and AWSPREVIOUS. `PutSecretValue` rotates as it does in AWS: the new version
 * becomes AWSCURRENT and the one before AWSPREVIOUS. With a data directory the values are kept in
 * `secrets.json`, so links made before a restart still open.
 *
 * Operations: GetSecretValue, PutSecretValue, DescribeSecret (the ones `grantRead` and an operator's
 * rotation use); each is authorized on the secret's ARN.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwsError, JSON_DENIAL, requireString, type JsonService } from './protocol';

interface SecretVersion {
  readonly versionId: string;
  readonly value: string;
  readonly createdAt: number;
  stages: string[];
}

interface StoredSecret {
  readonly name: string;
  readonly arn: string;
  readonly versions: SecretVersion[];
}

export interface SecretsManagerOptions {
  readonly region: string;
  readonly account: string;
  /** Secret names to create (a random 64-character value each) unless the data directory has them. */
  readonly names: readonly string[];
  /** Where `secrets.json` is kept; in memory when unset. */
  readonly dataDir?: string;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export class SecretsManagerEmulator {
  private readonly secrets = new Map<string, StoredSecret>();

  constructor(private readonly options: SecretsManagerOptions) {
    const file = this.file();
    if (file && existsSync(file)) {
      for (const secret of JSON.parse(readFileSync(file, 'utf8')) as StoredSecret[])
        this.secrets.set(secret.arn, secret);
    }
    for (const name of options.names) {
      if (this.find(name)) continue;
      // AWS appends six random characters to the name in the ARN.
      const arn = `arn:aws:secretsmanager:${options.region}:${options.account}:secret:${name}-${randomBytes(3).toString('hex')}`;
      this.secrets.set(arn, {
        name,
        arn,
        versions: [
          { versionId: randomUUID(), value: randomValue(64), createdAt: Date.now(), stages: ['AWSCURRENT'] },
        ],
      });
    }
    this.save();
  }

  /** The ARN of a secret created at start, by name. */
  arnOf(name: string): string {
    const secret = this.find(name);
    if (!secret) throw new Error(`no local secret ${name}`);
    return secret.arn;
  }

  service(): JsonService {
    return {
      targetPrefix: 'secretsmanager',
      operations: {
        GetSecretValue: (input) => this.getSecretValue(input),
        PutSecretValue: (input) => this.putSecretValue(input),
        DescribeSecret: (input) => this.describeSecret(input),
      },
      access: (operation, input) => [
        {
          action: `secretsmanager:${operation}`,
          resource: this.find(String(input.SecretId ?? ''))?.arn ?? String(input.SecretId ?? ''),
        },
      ],
      denial: JSON_DENIAL,
    };
  }

  private getSecretValue(input: Record<string, unknown>) {
    const secret = this.require(input);
    const versionId = typeof input.VersionId === 'string' ? input.VersionId : undefined;
    const stage = typeof input.VersionStage === 'string' ? input.VersionStage : 'AWSCURRENT';
    const version = secret.versions.find((v) =>
      versionId !== undefined ? v.versionId === versionId : v.stages.includes(stage),
    );
    if (!version)
      throw new AwsError(
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret value for staging label: " + stage,
      );
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      SecretString: version.value,
      VersionStages: version.stages,
      CreatedDate: version.createdAt / 1000,
    };
  }

  private putSecretValue(input: Record<string, unknown>) {
    const secret = this.require(input);
    const value = requireString(input, 'SecretString');
    const versionId = typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : randomUUID();
    const existing = secret.versions.find((v) => v.versionId === versionId);
    if (existing) {
      if (existing.value !== value)
        throw new AwsError(
          'ResourceExistsException',
          'A version with this ClientRequestToken already exists',
        );
      return { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: existing.stages };
    }
    for (const version of secret.versions) {
      version.stages = version.stages.filter((s) => s !== 'AWSPREVIOUS');
      if (version.stages.includes('AWSCURRENT'))
        version.stages = [...version.stages.filter((s) => s !== 'AWSCURRENT'), 'AWSPREVIOUS'];
    }
    secret.versions.push({ versionId, value, createdAt: Date.now(), stages: ['AWSCURRENT'] });
    this.save();
    return { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: ['AWSCURRENT'] };
  }

  private describeSecret(input: Record<string, unknown>) {
    const secret = this.require(input);
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionIdsToStages: Object.fromEntries(secret.versions.map((v) => [v.versionId, v.stages])),
    };
  }

  private require(input: Record<string, unknown>): StoredSecret {
    const id = requireString(input, 'SecretId');
    const secret = this.find(id);
    if (!secret)
      throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return secret;
  }

  /** By ARN or name, as Secrets Manager accepts both. */
  private find(id: string): StoredSecret | undefined {
    return this.secrets.get(id) ?? [...this.secrets.values()].find((s) => s.name === id);
  }

  private file(): string | undefined {
    return this.options.dataDir ? join(this.options.dataDir, 'secrets.json') : undefined;
  }

  private save(): void {
    const file = this.file();
    if (file) writeFileSync(file, JSON.stringify([...this.secrets.values()]), { mode: 0o600 });
  }
}

function randomValue(length: number): string {
  const bytes = randomBytes(length);
  return Array.from(bytes, (byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('');
}
