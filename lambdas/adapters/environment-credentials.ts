/**
 * Lambda passes the function role's credentials in the environment, so the SDK's full default
 * provider chain (SSO, INI files, IMDS, web identity…) is dead weight in a bundle: the CDK bundling
 * aliases `@aws-sdk/credential-provider-node` to this module (about 100 KB less per function).
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = () => fromEnv();
