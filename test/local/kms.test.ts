/**
 * The local KMS's signing keys: one key pair per key for its whole life (every signature checks with
 * the one public key), kept in the data directory so a restart signs with the same key.
 */
import { createPublicKey, createVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KmsEmulator, type KmsOptions } from '../../local/aws/kms';
import { testDirectory } from '../support/temp-dir';

const OPTIONS: KmsOptions = { region: 'us-east-1', account: '000000000000', aliases: ['certificates'] };

function call(kms: KmsEmulator, operation: 'Sign' | 'GetPublicKey', input: Record<string, unknown>) {
  return kms.service().operations[operation]!(input) as Record<string, string>;
}

function publicKey(kms: KmsEmulator): string {
  return call(kms, 'GetPublicKey', { KeyId: kms.arnOf('certificates') }).PublicKey!;
}

function verifies(kms: KmsEmulator, message: string, signature: string): boolean {
  const key = createPublicKey({ key: Buffer.from(publicKey(kms), 'base64'), format: 'der', type: 'spki' });
  return createVerify('sha256').update(message).verify(key, Buffer.from(signature, 'base64'));
}

describe('local KMS keys', () => {
  it('signs with the key pair whose public key it answers, the same on every call', () => {
    const kms = new KmsEmulator(OPTIONS);
    const first = publicKey(kms);
    const { Signature } = call(kms, 'Sign', {
      KeyId: 'alias/certificates',
      Message: Buffer.from('certificate').toString('base64'),
      SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
    });
    expect(verifies(kms, 'certificate', Signature!)).toBe(true);
    expect(publicKey(kms)).toBe(first);
  });

  it('keeps its keys in the data directory across a restart', () => {
    const dataDir = testDirectory('optline-kms-');
    const before = new KmsEmulator({ ...OPTIONS, dataDir });
    const { Signature } = call(before, 'Sign', {
      KeyId: before.arnOf('certificates'),
      Message: Buffer.from('signed before the restart').toString('base64'),
      SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
    });
    const after = new KmsEmulator({ ...OPTIONS, dataDir });
    expect(after.arnOf('certificates')).toBe(before.arnOf('certificates'));
    expect(verifies(after, 'signed before the restart', Signature!)).toBe(true);
  });
});
