/**
 * DynamoDB's client builds an endpoint-discovery cache (`@aws-sdk/endpoint-cache`, an LRU from
 * mnemonist: about 8 KB a bundle) when it is created, but none of its commands runs the discovery
 * middleware that would read it (test/lib/endpoint-cache-absent.test.ts checks the SDK's code), and
 * DynamoDB's regional endpoint serves every request. So the CDK bundling aliases the package to this
 * one: the client can build it, and any use of it refuses clearly.
 */
const refusal = (): never => {
  throw new Error('Endpoint discovery is not bundled: see lambdas/adapters/endpoint-cache-absent.ts');
};

export class EndpointCache {
  // The SDK passes the cache's capacity; nothing is ever stored.
  constructor(readonly capacity?: number) {}
  getEndpoint(): never {
    return refusal();
  }
  get(): never {
    return refusal();
  }
  set(): never {
    return refusal();
  }
  delete(): never {
    return refusal();
  }
  has(): never {
    return refusal();
  }
  clear(): never {
    return refusal();
  }
}
