/**
 * The SDK's HTTP handler warns when requests queue for the client's 50 pooled sockets for seconds.
 * The functions' clients send that warning to a Powertools logger, as a JSON entry at the functions'
 * log level, not to the console (tests run the handlers at ERROR, so a local DynamoDB that falls
 * behind stays quiet there).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dynamoClient, resetClients } from '../../lambdas/adapters/aws-clients';
import { waitFor } from '../support/local-runtime';

describe('SDK HTTP handler warnings', () => {
  let server: Server;
  const saved = { ...process.env };

  beforeAll(async () => {
    // A DynamoDB endpoint that never answers: every request holds its socket.
    server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      POWERTOOLS_LOG_LEVEL: 'WARN',
      POWERTOOLS_DEV: 'false',
    });
    resetClients();
  });
  afterAll(async () => {
    resetClients();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    process.env = saved;
    vi.restoreAllMocks();
  });

  it('go to a Powertools logger as a JSON entry, not to the console', async () => {
    const written: string[] = [];
    const capture = (chunk: unknown) => {
      written.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    const consoleWarn = vi.spyOn(console, 'warn');
    const client = dynamoClient();
    // 50 sockets busy and 150 requests queued behind them (the SDK warns from twice the pool).
    for (let i = 0; i < 200; i++) {
      client
        .send(new GetCommand({ TableName: 'profiles', Key: { phone: `+1206555${1000 + i}` } }))
        .catch(() => undefined);
    }
    // The SDK looks once a request has waited its request and connection timeouts (3 s by default).
    const entry = await waitFor(
      () => written.find((line) => line.includes('socket usage at capacity')),
      10_000,
      'the socket warning',
    );
    vi.restoreAllMocks();
    const parsed = JSON.parse(entry) as { level: string; service: string; message: string };
    expect(parsed).toMatchObject({ level: 'WARN', service: 'optline' });
    expect(parsed.message).toMatch(/socket usage at capacity=50 and \d+ additional requests are enqueued/);
    expect(consoleWarn).not.toHaveBeenCalled();
  });
});
