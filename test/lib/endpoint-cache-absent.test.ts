/** The bundles leave out DynamoDB's endpoint-discovery cache: the client builds it, nothing reads it. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALIASES } from '../../lib/bundling';
import { EndpointCache } from '../../lambdas/adapters/endpoint-cache-absent';
import { clientsTheLambdasUse, distEs, filesContaining, ROOT } from '../support/sdk-sources';

const SDK_PACKAGES = readdirSync(join(ROOT, 'node_modules', '@aws-sdk')).map((name) => `@aws-sdk/${name}`);

describe('endpoint-discovery cache left out of the bundles', () => {
  it('is what the bundling aliases', () => {
    expect(ALIASES['@aws-sdk/endpoint-cache']).toBe('./lambdas/adapters/endpoint-cache-absent.ts');
  });

  it('the SDK only builds the cache, in the client configuration', () => {
    const importers = filesContaining(
      SDK_PACKAGES.filter((pkg) => pkg !== '@aws-sdk/endpoint-cache'),
      '@aws-sdk/endpoint-cache',
    );
    expect(importers).toEqual([
      '@aws-sdk/middleware-endpoint-discovery/dist-es/resolveEndpointDiscoveryConfig.js',
    ]);
    const source = readFileSync(
      join(distEs('@aws-sdk/middleware-endpoint-discovery'), 'resolveEndpointDiscoveryConfig.js'),
      'utf8',
    );
    expect(source).toContain('endpointCache: new EndpointCache(endpointCacheSize ?? 1000)');
    // Read only by the discovery middleware and its cache update.
    expect(filesContaining(SDK_PACKAGES, 'endpointCache.').sort()).toEqual([
      '@aws-sdk/middleware-endpoint-discovery/dist-es/endpointDiscoveryMiddleware.js',
      '@aws-sdk/middleware-endpoint-discovery/dist-es/updateDiscoveredEndpointInCache.js',
    ]);
  });

  it('no command of a client the Lambdas use runs the discovery middleware', () => {
    const clients = clientsTheLambdasUse();
    expect(clients).toContain('@aws-sdk/client-dynamodb');
    expect(filesContaining(clients, 'getEndpointDiscoveryPlugin')).toEqual([]);
    expect(filesContaining(clients, 'endpointDiscoveryMiddleware')).toEqual([]);
  });

  it('can be built, and refuses clearly if it is ever used', () => {
    const cache = new EndpointCache(1000);
    for (const use of [
      () => cache.getEndpoint(),
      () => cache.get(),
      () => cache.set(),
      () => cache.has(),
      () => cache.delete(),
      () => cache.clear(),
    ]) {
      expect(use).toThrow(/Endpoint discovery is not bundled/);
    }
  });
});
