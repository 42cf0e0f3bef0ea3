/**
 * KMS for the local runtime: the stack's asymmetric signing keys (the consent-certificate key), each
 * an RSA 2048 key pair generated with node:crypto as KMS generates one, answering the two operations
 * the functions use:
 *
 * - `Sign` with `RSASSA_PKCS1_V1_5_SHA_256`, of a message (`MessageType: RAW`, at most 4096 bytes,
 *   hashed here) or of its SHA-256 digest (`DIGEST`, exactly 32 bytes, signed as given), as KMS does;
 * - `GetPublicKey`: the DER SubjectPublicKeyInfo, key spec, usage and algorithms.
 *
 * Each is authorized on the key's ARN (`kms:Sign`, `kms:GetPublicKey`). With a data directory the
 * keys are kept in `kms.json`, so certificates signed before a restart still check.
 *
 * A key's ARN exists from the start (the functions' settings name it); its key pair is generated at
 * its first use, as most runs sign nothing and RSA 2048 generation costs about 0.1 s of CPU.
 */
import {
  constants,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  privateEncrypt,
  randomUUID,
} from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwsError, JSON_DENIAL, requireString, type JsonService } from './protocol';

interface StoredKey {
  readonly alias: string;
  readonly keyId: string;
  readonly arn: string;
  /** PKCS#8 PEM; absent until the key is first used. */
  readonly privateKey?: string;
}

export interface KmsOptions {
  readonly region: string;
  readonly account: string;
  /** Keys to create (by alias, without `alias/`) unless the data directory has them. */
  readonly aliases: readonly string[];
  readonly dataDir?: string;
}

const ALGORITHM = 'RSASSA_PKCS1_V1_5_SHA_256';
const MAX_RAW_MESSAGE_BYTES = 4096;
/** DER DigestInfo prefix of a SHA-256 digest (RFC 8017, 9.2): what PKCS#1 v1.5 signs before the digest. */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

export class KmsEmulator {
  private readonly keys = new Map<string, StoredKey>();

  constructor(private readonly options: KmsOptions) {
    const file = this.file();
    if (file && existsSync(file)) {
      for (const key of JSON.parse(readFileSync(file, 'utf8')) as StoredKey[]) this.keys.set(key.arn, key);
    }
    for (const alias of options.aliases) {
      if (this.byAlias(alias)) continue;
      const keyId = randomUUID();
      const arn = `arn:aws:kms:${options.region}:${options.account}:key/${keyId}`;
      this.keys.set(arn, { alias, keyId, arn });
    }
    this.save();
  }

  /** The ARN of a key created at start, by alias. */
  arnOf(alias: string): string {
    const key = this.byAlias(alias);
    if (!key) throw new Error(`no local KMS key ${alias}`);
    return key.arn;
  }

  service(): JsonService {
    return {
      targetPrefix: 'TrentService',
      operations: {
        Sign: (input) => this.sign(input),
        GetPublicKey: (input) => this.getPublicKey(input),
      },
      access: (operation, input) => [
        {
          action: `kms:${operation}`,
          resource: this.find(String(input.KeyId ?? ''))?.arn ?? String(input.KeyId ?? ''),
        },
      ],
      denial: JSON_DENIAL,
    };
  }

  private sign(input: Record<string, unknown>) {
    const key = this.require(input);
    const algorithm = requireString(input, 'SigningAlgorithm');
    if (algorithm !== ALGORITHM)
      throw new AwsError(
        'InvalidKeyUsageException',
        `The signing algorithm ${algorithm} is not supported by this key (${ALGORITHM} only).`,
      );
    const message = Buffer.from(requireString(input, 'Message'), 'base64');
    const messageType = typeof input.MessageType === 'string' ? input.MessageType : 'RAW';
    let digest: Buffer;
    if (messageType === 'DIGEST') {
      if (message.length !== 32)
        throw new AwsError(
          'ValidationException',
          'Digest is invalid length for algorithm ' + ALGORITHM + '.',
        );
      digest = message;
    } else if (messageType === 'RAW') {
      if (message.length === 0 || message.length > MAX_RAW_MESSAGE_BYTES)
        throw new AwsError(
          'ValidationException',
          `1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to ${MAX_RAW_MESSAGE_BYTES}`,
        );
      digest = createHash('sha256').update(message).digest();
    } else {
      throw new AwsError('ValidationException', `MessageType ${messageType} is not RAW or DIGEST`);
    }
    // PKCS#1 v1.5 over the digest as given, exactly as KMS signs a DIGEST.
    const signature = privateEncrypt(
      { key: createPrivateKey(this.privateKeyOf(key)), padding: constants.RSA_PKCS1_PADDING },
      Buffer.concat([SHA256_DIGEST_INFO, digest]),
    );
    return { KeyId: key.arn, Signature: signature.toString('base64'), SigningAlgorithm: ALGORITHM };
  }

  private getPublicKey(input: Record<string, unknown>) {
    const key = this.require(input);
    const der = createPublicKey(this.privateKeyOf(key)).export({ type: 'spki', format: 'der' });
    return {
      KeyId: key.arn,
      PublicKey: der.toString('base64'),
      KeySpec: 'RSA_2048',
      CustomerMasterKeySpec: 'RSA_2048',
      KeyUsage: 'SIGN_VERIFY',
      SigningAlgorithms: [ALGORITHM],
    };
  }

  private require(input: Record<string, unknown>): StoredKey {
    const id = requireString(input, 'KeyId');
    const key = this.find(id);
    if (!key) throw new AwsError('NotFoundException', `Key '${id}' does not exist`);
    return key;
  }

  /** The key's private key, generated (and kept) at its first use. */
  private privateKeyOf(key: StoredKey): string {
    if (key.privateKey !== undefined) return key.privateKey;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    this.keys.set(key.arn, { ...key, privateKey: pem });
    this.save();
    return pem;
  }

  /** By ARN, key id or `alias/<name>`, as KMS accepts them. */
  private find(id: string): StoredKey | undefined {
    if (id.startsWith('alias/')) return this.byAlias(id.slice('alias/'.length));
    return this.keys.get(id) ?? [...this.keys.values()].find((k) => k.keyId === id);
  }

  private byAlias(alias: string): StoredKey | undefined {
    return [...this.keys.values()].find((k) => k.alias === alias);
  }

  private file(): string | undefined {
    return this.options.dataDir ? join(this.options.dataDir, 'kms.json') : undefined;
  }

  private save(): void {
    const file = this.file();
    if (file) writeFileSync(file, JSON.stringify([...this.keys.values()]), { mode: 0o600 });
  }
}
