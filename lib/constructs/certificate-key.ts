/**
 * The KMS asymmetric key that signs consent certificates (docs/consent-evidence.md#certificates):
 * RSA 2048 for signing, RSASSA-PKCS1-v1_5 with SHA-256. The private half never leaves KMS; the
 * public half is served by the API so anyone holding a certificate can check it. Kept when the stack
 * is deleted: certificates already handed out must stay checkable against the published key.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

export function certificateSigningKey(scope: Construct, id: string): kms.Key {
  const key = new kms.Key(scope, id, {
    description: 'Optline: signs consent certificates (the public key checks them)',
    keySpec: kms.KeySpec.RSA_2048,
    keyUsage: kms.KeyUsage.SIGN_VERIFY,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // Never rotated: KMS does not rotate asymmetric keys (cdk-nag's KMS5 covers symmetric keys only),
  // and a new key would leave certificates signed with this one uncheckable.
  return key;
}
