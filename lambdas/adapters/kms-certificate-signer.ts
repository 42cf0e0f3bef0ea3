/**
 * Signs consent certificates with the stack's KMS asymmetric key: `Sign` with `MessageType: DIGEST`
 * (the certificate itself never leaves the function, only its SHA-256), and `GetPublicKey` once per
 * execution environment (a KMS key's public key never changes).
 */
import { GetPublicKeyCommand, SignCommand } from '@aws-sdk/client-kms';
import { CERTIFICATE_SIGNING_ALGORITHM } from '../domain/consent-certificate';
import type {
  CertificatePublicKey,
  CertificateSignature,
  CertificateSigner,
} from '../domain/ports/certificate-signer';
import { kmsClient } from './aws-clients';

export class KmsCertificateSigner implements CertificateSigner {
  private publicKeyRead: Promise<CertificatePublicKey> | undefined;

  constructor(private readonly keyId: string) {}

  async signDigest(digest: Uint8Array): Promise<CertificateSignature> {
    const answer = await kmsClient().send(
      new SignCommand({
        KeyId: this.keyId,
        Message: digest,
        MessageType: 'DIGEST',
        SigningAlgorithm: CERTIFICATE_SIGNING_ALGORITHM,
      }),
    );
    if (!answer.Signature || !answer.KeyId) throw new Error('KMS Sign answered no signature');
    return { signature: answer.Signature, keyId: answer.KeyId, algorithm: CERTIFICATE_SIGNING_ALGORITHM };
  }

  publicKey(): Promise<CertificatePublicKey> {
    this.publicKeyRead ??= kmsClient()
      .send(new GetPublicKeyCommand({ KeyId: this.keyId }))
      .then((answer) => {
        if (!answer.PublicKey || !answer.KeyId || !answer.KeySpec)
          throw new Error('KMS GetPublicKey answered no key');
        const base64 = Buffer.from(answer.PublicKey).toString('base64');
        const lines = base64.match(/.{1,64}/g) ?? [];
        return {
          keyId: answer.KeyId,
          keySpec: answer.KeySpec,
          algorithm: CERTIFICATE_SIGNING_ALGORITHM,
          pem: ['-----BEGIN PUBLIC KEY-----', ...lines, '-----END PUBLIC KEY-----', ''].join('\n'),
        };
      });
    // A failed read is not kept: the next request tries again.
    this.publicKeyRead.catch(() => (this.publicKeyRead = undefined));
    return this.publicKeyRead;
  }
}
