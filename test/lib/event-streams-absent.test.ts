/** The bundles leave out the SDK's event-stream support: nothing the Lambdas call can need it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALIASES } from '../../lib/bundling';
import { EventStreamSerde, eventStreamSerdeProvider } from '../../lambdas/adapters/event-streams-absent';
import { clientsTheLambdasUse, distEs, filesUnder } from '../support/sdk-sources';

describe('event streams left out of the bundles', () => {
  it('is what the bundling aliases', () => {
    expect(ALIASES['@smithy/core/event-streams']).toBe('./lambdas/adapters/event-streams-absent.ts');
  });

  it('no operation of a client the Lambdas use streams events', () => {
    const clients = clientsTheLambdasUse();
    expect(clients).toEqual(
      expect.arrayContaining(['@aws-sdk/client-dynamodb', '@aws-sdk/client-pinpoint-sms-voice-v2']),
    );
    for (const client of clients) {
      const schemas = readFileSync(join(distEs(client), 'schemas', 'schemas_0.js'), 'utf8');
      // The event-stream trait of a schema (a union member streamed as events).
      expect(schemas, client).not.toContain('"streaming"');
    }
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
  });
});
