/**
 * API Gateway (public) → GET /v1/openapi.json → the OpenAPI document of the API. It serves the
 * generated docs/openapi.json (bundled as data), not the registry that generates it: the zod
 * schemas and the generator stay out of the bundle, and a test keeps the file current.
 */
import description from '../../docs/openapi.json';
import { environmentOf } from '../../lib/function-environment';
import { httpHandler } from './shared/http';

export const handler = httpHandler(environmentOf('apiDescription'), {
  'GET /v1/openapi.json': () =>
    Promise.resolve({ status: 200, body: description, headers: { 'cache-control': 'public, max-age=300' } }),
});
