/**
 * The S3 client, apart from ./aws-clients.ts so that only the functions that use S3 bundle it. It
 * addresses buckets by path (`<endpoint>/<bucket>/<key>`) where an endpoint is configured (the local
 * runtime's S3 emulator has no per-bucket host names), by virtual host in AWS.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { PLATFORM_VARIABLES } from '../../lib/function-environment';
import { CACHED_MIDDLEWARE, environmentClient, HTTP_HANDLER, setUpClient } from './client-setup';

export function s3Client(): S3Client {
  return environmentClient('s3', () =>
    setUpClient(
      new S3Client({
        ...CACHED_MIDDLEWARE,
        ...HTTP_HANDLER,
        forcePathStyle: Boolean(
          process.env[PLATFORM_VARIABLES.s3EndpointUrl] ?? process.env[PLATFORM_VARIABLES.endpointUrl],
        ),
      }),
    ),
  );
}
