/** The bundles leave out the SDK's event-stream support: nothing the Lambdas call can need it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALIASES } from '../../lib/bundling';
import {
  EventStreamSerde,
  eventStreamSerdeProvider,
  resolveEventStreamSerdeConfig,
} from '../../lambdas/adapters/event-streams-absent';
import { clientsTheLambdasUse, distEs, filesUnder, ROOT } from '../support/sdk-sources';

/** Clients with an operation that streams events, which the Lambdas never call. */
const UNCALLED_STREAMING_OPERATIONS: Readonly<Record<string, string>> = {
  '@aws-sdk/client-s3': 'SelectObjectContent',
};

describe('event streams left out of the bundles', () => {
  it('is what the bundling aliases', () => {
    expect(ALIASES['@smithy/core/event-streams']).toBe('./lambdas/adapters/event-streams-absent.ts');
  });

  it('no operation of a client the Lambdas use streams events, but S3 SelectObjectContent, never called', () => {
    const clients = clientsTheLambdasUse();
    expect(clients).toEqual(
      expect.arrayContaining(['@aws-sdk/client-dynamodb', '@aws-sdk/client-pinpoint-sms-voice-v2']),
    );
    for (const client of clients) {
      const schemas = readFileSync(join(distEs(client), 'schemas', 'schemas_0.js'), 'utf8');
      const uncalled = UNCALLED_STREAMING_OPERATIONS[client];
      // The event-stream trait of a schema (a union member streamed as events).
      if (!uncalled) expect(schemas, client).not.toContain('"streaming"');
      else {
        // One union streamed as events (`{ [_st]: 1 }`, _st = "streaming"): that operation's.
        const streamed = [...schemas.matchAll(/export var (\w+)\$ = \[4, n0, \w+,\s+\{ \[_st\]: 1 \}/g)];
        expect(
          streamed.map((m) => m[1]),
          client,
        ).toEqual([`${uncalled}EventStream`]);
      }
    }
    const lambdas = filesUnder(join(ROOT, 'lambdas'), '.ts').map((file) => readFileSync(file, 'utf8'));
    for (const operation of Object.values(UNCALLED_STREAMING_OPERATIONS))
      expect(lambdas.filter((source) => source.includes(`${operation}Command`))).toEqual([]);
  });

  it('the SDK loads the module only to serialize an event stream', () => {
    const importers = ['@smithy/core', '@aws-sdk/core'].flatMap((pkg) =>
      filesUnder(distEs(pkg), '.js').filter(
        (file) =>
          !file.includes('/event-streams/') &&
          readFileSync(file, 'utf8').includes('@smithy/core/event-streams'),
      ),
    );
    expect(importers.map((file) => file.slice(file.indexOf('dist-es')))).toEqual([
      'dist-es/submodules/protocols/HttpProtocol.js',
    ]);
    const source = readFileSync(importers[0] ?? '', 'utf8');
    expect(source).toMatch(
      /async loadEventStreamCapability\(\) \{\s+const \{[^}]+\} = await import\("@smithy\/core\/event-streams"\)/,
    );
  });

  it('refuses clearly if an event stream is ever needed', () => {
    expect(() => new EventStreamSerde()).toThrow(/Event streams are not bundled/);
    expect(() => eventStreamSerdeProvider()).toThrow(/Event streams are not bundled/);
    const config = resolveEventStreamSerdeConfig({ region: 'us-east-1' });
    expect(config.region).toBe('us-east-1');
    expect(() => (config as { eventStreamMarshaller?: unknown }).eventStreamMarshaller).toThrow(
      /Event streams are not bundled/,
    );
  });
});
