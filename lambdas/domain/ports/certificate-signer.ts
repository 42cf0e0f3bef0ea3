/**
 * The key consent certificates are signed with (a KMS asymmetric key; locally the same API on the
 * local AWS endpoint). Implemented by lambdas/adapters/kms-certificate-signer.ts.
 */
export interface CertificateSignature {
  readonly signature: Uint8Array;
  /** The key that signed (its ARN). */
  readonly keyId: string;
  readonly algorithm: string;
}

export interface CertificatePublicKey {
  readonly keyId: string;
  readonly keySpec: string;
  readonly algorithm: string;
  /** SubjectPublicKeyInfo, PEM. */
  readonly pem: string;
}

export interface CertificateSigner {
  /** Signs a SHA-256 digest (32 bytes). */
  signDigest(digest: Uint8Array): Promise<CertificateSignature>;
  publicKey(): Promise<CertificatePublicKey>;
}
