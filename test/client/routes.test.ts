/** The client's route table is plain data; here it is held to the catalog and the route registry. */
import { describe, expect, it } from 'vitest';
import { CLIENT_ROUTES, OptlineClient } from '../../client';
import { catalogRoutes, routes, type RouteDescription } from '../../lib/api/routes';

describe("the client's routes", () => {
  it('are the catalog routes, with their auth and idempotency, under the registry operation ids', () => {
    const expected = Object.fromEntries(
      catalogRoutes().map((route) => {
        const description: RouteDescription = routes[route.key];
        return [
          description.operationId,
          {
            method: route.method,
            path: route.path,
            auth: route.auth,
            ...(description.idempotency ? { idempotency: description.idempotency } : {}),
          },
        ];
      }),
    );
    expect(CLIENT_ROUTES).toEqual(expected);
  });

  it('each have a method of OptlineClient', () => {
    for (const operation of Object.keys(CLIENT_ROUTES))
      expect(
        typeof (OptlineClient.prototype as unknown as Record<string, unknown>)[operation],
        operation,
      ).toBe('function');
  });
});
