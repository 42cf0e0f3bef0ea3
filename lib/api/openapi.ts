/**
 * Builds the OpenAPI 3.1 document from the route registry (routes.ts) and the catalog's auth. Request
 * bodies are the handlers' own zod schemas rendered by `z.toJSONSchema` (their input side: defaults
 * shown, refinements named in the descriptions); schemas zod cannot render (the segment, a pipe into a
 * hand-written checker) come from hand-written JSON Schema.
 */
import * as z from 'zod';
import { CampaignRequestSchema } from '../../lambdas/domain/campaign-request';
import { CommerceEventRequestSchema, CommerceEventSchema } from '../../lambdas/domain/commerce-events';
import { SegmentSchema } from '../../lambdas/domain/segment-schema';
import { ErrorResponseSchema, GatewayErrorSchema, IdempotencyKeySchema } from './responses';
import {
  catalogRoutes,
  routes,
  type Header,
  type ResponseDescription,
  type RouteDescription,
} from './routes';
import { segmentConditionJsonSchema, segmentJsonSchema } from './segment-json-schema';

type JsonSchema = Record<string, unknown>;

/** What zod cannot say about a request schema, said by hand (replaces or adds to its rendering). */
const overrides = new Map<z.core.$ZodType, (json: JsonSchema) => JsonSchema>([
  [SegmentSchema, () => ({ $ref: '#/components/schemas/Segment' })],
  // A batch's event: accepted names renamed (a transform), then the event schema, whose input it is.
  [CommerceEventRequestSchema, () => jsonSchemaOf(CommerceEventSchema, 'input')],
  [
    CampaignRequestSchema,
    (json) => ({
      ...json,
      description:
        "Give exactly one of `sendAt` (an instant) and `sendAtLocalTime` (each recipient's own time zone).",
      oneOf: [{ required: ['sendAt'] }, { required: ['sendAtLocalTime'] }],
    }),
  ],
]);

/** A zod schema as JSON Schema for the document: `io` picks the request (input) or response (output) side. */
export function jsonSchemaOf(schema: z.core.$ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    // Any other unrepresentable part (a custom type, a transform) fails here rather than quietly
    // describing less than the handler checks.
    unrepresentable: 'throw',
    cycles: 'throw',
    reused: 'inline',
    override: (ctx) => {
      const replace = overrides.get(ctx.zodSchema);
      if (!replace) return;
      const next = replace({ ...ctx.jsonSchema });
      for (const key of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[key];
      Object.assign(ctx.jsonSchema, next);
    },
  }) as JsonSchema;
  delete json.$schema;
  return json;
}

const HEADERS: Record<Header, JsonSchema> = {
  'Retry-After': {
    description: 'Seconds to wait before retrying',
    schema: { type: 'integer', minimum: 0 },
  },
  Location: { description: 'The original URL', schema: { type: 'string', format: 'uri' } },
};

function responseObject(response: ResponseDescription): JsonSchema {
  const out: JsonSchema = { description: response.description };
  if (response.headers?.length)
    out.headers = Object.fromEntries(response.headers.map((h) => [h, HEADERS[h]]));
  if (response.schema === 'error') out.content = json({ $ref: '#/components/schemas/Error' });
  else if (response.schema === 'openapi')
    out.content = json({ type: 'object', description: 'An OpenAPI 3.1 document', required: ['openapi'] });
  else if (response.schema) out.content = json(jsonSchemaOf(response.schema, 'output'));
  if (response.pdf)
    out.content = {
      ...(out.content as object | undefined),
      'application/pdf': { schema: { type: 'string', format: 'binary', description: response.pdf } },
    };
  return out;
}

const json = (schema: JsonSchema) => ({ 'application/json': { schema } });

function operation(route: RouteDescription, auth: 'iam' | 'public'): JsonSchema {
  const parameters: JsonSchema[] = Object.entries(route.params ?? {}).map(([name, schema]) => {
    const rendered = jsonSchemaOf(schema, 'input');
    const { description, examples, ...rest } = rendered as JsonSchema & { examples?: unknown[] };
    return {
      name,
      in: 'path',
      required: true,
      ...(description ? { description } : {}),
      ...(examples?.[0] !== undefined ? { example: examples[0] } : {}),
      schema: rest,
    };
  });
  for (const [name, schema] of Object.entries(route.query ?? {})) {
    const { description, ...rest } = jsonSchemaOf(schema, 'input');
    parameters.push({
      name,
      in: 'query',
      required: false,
      ...(description ? { description } : {}),
      schema: rest,
    });
  }
  if (route.idempotency === 'header') {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Makes a retry safe: the same key within 24 hours returns the first answer and records nothing twice (the client sets one on every call)',
      schema: jsonSchemaOf(IdempotencyKeySchema, 'input'),
    });
  }
  const responses: Record<string, JsonSchema> = Object.fromEntries(
    Object.entries(route.responses).map(([status, response]) => [status, responseObject(response)]),
  );
  if (auth === 'iam') {
    responses['403'] = {
      description:
        'API Gateway refused the call: no signature (`MissingAuthenticationTokenException`), a wrong one or one older than 5 minutes (`InvalidSignatureException`), or a caller not allowed to invoke the route (`AccessDeniedException`); the type is in `x-amzn-errortype`',
      headers: { 'x-amzn-errortype': { schema: { type: 'string' } } },
      content: json({ $ref: '#/components/schemas/GatewayError' }),
    };
  }
  responses['500'] = {
    description:
      'A fault of Optline (never bad input): `internal_error`, or `consent_change_not_applied` when nothing changed',
    content: json({ $ref: '#/components/schemas/Error' }),
  };
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    description: route.description,
    security: auth === 'iam' ? [{ sigv4: [] }] : [],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.request
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: jsonSchemaOf(route.request.schema, 'input'),
                example: route.request.example,
              },
            },
          },
        }
      : {}),
    ...(route.publishes ? { 'x-optline-publishes': route.publishes } : {}),
    responses,
  };
}

export interface OpenApiOptions {
  /** Package version, the document's `info.version`. */
  readonly version: string;
}

/** The OpenAPI 3.1 document of every catalog route. */
export function openApiDocument(options: OpenApiOptions): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of catalogRoutes()) {
    const description: RouteDescription = routes[route.key];
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(description, route.auth);
  }
  return {
    openapi: '3.1.1',
    info: {
      title: 'Optline API',
      version: options.version,
      summary: 'SMS consent, commerce events, transactional texts and campaigns',
      description:
        'JSON over HTTPS behind API Gateway. Server-to-server routes are signed with AWS Signature Version 4 (service `execute-api`); browser-facing routes are public and rate limited. Errors are `{ "error": { "code", "message", "field"? } }`. Generated from the zod schemas the handlers validate with (lib/api); see docs/api.md.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com/{stage}',
        description: 'The stack output `ApiUrl`',
        variables: {
          apiId: { default: 'abcdef1234' },
          region: { default: 'us-east-1' },
          stage: { default: 'prod' },
        },
      },
      { url: 'http://127.0.0.1:3000', description: 'The local runtime (`npm start`)' },
    ],
    tags: [...new Set(Object.values(routes).map((r: RouteDescription) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description:
            "AWS Signature Version 4 for service `execute-api` (IAM auth), signed with the caller's AWS credentials; the caller needs `execute-api:Invoke` on the route's ARN (docs/api.md).",
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
      },
      schemas: {
        Error: jsonSchemaOf(ErrorResponseSchema, 'output'),
        GatewayError: jsonSchemaOf(GatewayErrorSchema, 'output'),
        Segment: segmentJsonSchema,
        SegmentCondition: segmentConditionJsonSchema,
      },
    },
  };
}
