/**
 * The API description (docs/openapi.json), the bus events' schemas (docs/events/) and docs/api.md's
 * tables are generated from the route registry (lib/api/routes.ts); here they are held to the
 * catalog, to the handlers' own schemas and to a maintained OpenAPI validator.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogRoutes, routes, type RouteDescription } from '../../lib/api/routes';
import * as z from '../../lambdas/domain/zod';
import { SegmentSchema } from '../../lambdas/domain/segment-schema';
import { EVENTS_DIR, renderApiArtifacts } from '../../scripts/api-docs';
import { loadOpenApi, OpenApiChecker } from '../support/openapi';

const described: Record<string, RouteDescription> = routes;

describe('the route registry', () => {
  it('describes every HTTP route of the catalog, and nothing else', () => {
    expect(Object.keys(routes).sort()).toEqual(
      catalogRoutes()
        .map((r) => r.key)
        .sort(),
    );
  });

  it('gives every route its own operation id (the client method)', () => {
    const ids = Object.values(described).map((r) => r.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(Object.entries(described).filter(([, r]) => r.request))(
    "%s: the example body is accepted by the handler's schema and by the description",
    (route, description) => {
      const parsed = z.safeParse(description.request!.schema, description.request!.example);
      expect(parsed.error?.issues ?? []).toEqual([]);
      expect(new OpenApiChecker().requestProblems(route, description.request!.example)).toEqual([]);
    },
  );
});

describe('docs/openapi.json', () => {
  it('is valid OpenAPI 3.1 (@seriousme/openapi-schema-validator)', async () => {
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const validator = new Validator();
    const result = await validator.validate(loadOpenApi() as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes every catalog route with its auth: SigV4 for IAM routes, none for public ones', () => {
    const document = loadOpenApi() as unknown as {
      paths: Record<string, Record<string, { security: unknown[]; responses: Record<string, unknown> }>>;
    };
    for (const route of catalogRoutes()) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation, route.key).toBeDefined();
      expect(operation!.security).toEqual(route.auth === 'iam' ? [{ sigv4: [] }] : []);
      expect(Object.keys(operation!.responses).includes('403')).toBe(route.auth === 'iam');
    }
  });

  it('describes the headers: Idempotency-Key on creates, Retry-After on 429 and 503', () => {
    const text = JSON.stringify(loadOpenApi().paths['/v1/campaigns']);
    expect(text).toContain('"name":"Idempotency-Key","in":"header"');
    const messages = loadOpenApi().paths['/v1/messages']!.post!.responses as Record<
      string,
      { headers?: Record<string, unknown> }
    >;
    expect(Object.keys(messages['503']!.headers ?? {})).toEqual(['Retry-After']);
    const subscriptions = loadOpenApi().paths['/v1/subscriptions']!.post!.responses as Record<
      string,
      { headers?: Record<string, unknown> }
    >;
    expect(Object.keys(subscriptions['429']!.headers ?? {})).toEqual(['Retry-After']);
  });

  it('refuses what the handlers refuse: a segment the checker refuses is invalid in the description', () => {
    const checker = new OpenApiChecker();
    const campaign = (segment: unknown) => ({
      name: 'Spring',
      body: 'Acme Coffee: the spring blend is back.',
      segment,
      sendAt: '2030-01-01T10:00:00Z',
    });
    const valid = [
      { all: true },
      { all: true, exclude: [{ phones: ['+12065550100'] }] },
      { any: [{ engagedWithinDays: 90 }, { vip: { minOrders: 3 } }] },
      { not: { highIntentWithinDays: 7 } },
      { property: 'preferences.coffee', equals: 'iced' },
      { property: 'orders', gte: 3, exclude: [{ property: 'Paused', exists: true }] },
      { property: 'tier', in: ['gold', 'silver'] },
    ];
    const invalid = [
      {},
      { all: false },
      { all: [] },
      { exclude: [{ all: true }] },
      { engagedWithinDays: 0 },
      { vip: {} },
      { property: 'x' },
      { property: 'x', equals: 1, gt: 2 },
      { phones: ['12065550100'] },
      { any: [{ bogus: 1 }] },
      { engagedWithinDays: 5, vip: { minOrders: 1 } },
    ];
    for (const segment of valid) {
      expect(z.safeParse(SegmentSchema, segment).success, JSON.stringify(segment)).toBe(true);
      expect(
        checker.requestProblems('POST /v1/campaigns', campaign(segment)),
        JSON.stringify(segment),
      ).toEqual([]);
    }
    for (const segment of invalid) {
      expect(z.safeParse(SegmentSchema, segment).success, JSON.stringify(segment)).toBe(false);
      expect(
        checker.requestProblems('POST /v1/campaigns', campaign(segment)),
        JSON.stringify(segment),
      ).not.toEqual([]);
    }
  });
});

describe('generated files', () => {
  it('are up to date (regenerate: npx tsx scripts/api-docs.ts)', async () => {
    const files = await renderApiArtifacts();
    for (const [path, content] of files) expect(readFileSync(path, 'utf8'), path).toBe(content);
    const events = readdirSync(EVENTS_DIR).map((name) => join(EVENTS_DIR, name));
    expect(events.filter((path) => !files.has(path))).toEqual([]);
  });

  it('give every route of docs/api.md a copy-paste call, signed for IAM routes', () => {
    const doc = readFileSync(join(EVENTS_DIR, '..', 'api.md'), 'utf8');
    for (const route of catalogRoutes()) {
      const section = doc.split(`### \`${route.key}\``)[1]?.split('### ')[0] ?? '';
      expect(section, route.key).toContain('curl');
      expect(section.includes('--aws-sigv4 "aws:amz:us-east-1:execute-api"'), route.key).toBe(
        route.auth === 'iam',
      );
    }
    expect(doc).toContain('"type":"CartAbandoned"');
  });
});
