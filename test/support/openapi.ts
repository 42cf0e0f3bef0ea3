/**
 * Checks requests and answers against the committed OpenAPI document (docs/openapi.json) with Ajv
 * (JSON Schema 2020-12, the dialect of OpenAPI 3.1), so the tests hold the description to what the
 * API really does.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

export const OPENAPI_FILE = resolve(__dirname, '..', '..', 'docs', 'openapi.json');

type Operation = {
  responses: Record<string, { content?: Record<string, unknown> }>;
  requestBody?: unknown;
};
export type OpenApiDocument = {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, unknown>;
};

export function loadOpenApi(): OpenApiDocument {
  return JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as OpenApiDocument;
}

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

export class OpenApiChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: false });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly document: OpenApiDocument = loadOpenApi()) {
    addFormats(this.ajv);
    this.ajv.addSchema(document as object, 'openapi');
  }

  private operation(route: string): { method: string; path: string; op: Operation } {
    const [method = '', path = ''] = route.split(' ');
    const op = this.document.paths[path]?.[method.toLowerCase()];
    if (!op) throw new Error(`${route} is not described`);
    return { method: method.toLowerCase(), path, op };
  }

  private validator(ref: string): ValidateFunction {
    let validate = this.compiled.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `openapi#/${ref}` });
      this.compiled.set(ref, validate);
    }
    return validate;
  }

  /** Problems of an answer: an undescribed status, or a body its schema refuses. Empty when described. */
  responseProblems(route: string, status: number, body: unknown): string[] {
    const { method, path, op } = this.operation(route);
    const response = op.responses[String(status)];
    if (!response) return [`${route} answered ${status}, which is not described`];
    if (!response.content) return [];
    const validate = this.validator(
      pointer('paths', path, method, 'responses', String(status), 'content', 'application/json', 'schema'),
    );
    return validate(body) ? [] : [`${route} ${status}: ${this.ajv.errorsText(validate.errors)}`];
  }

  /** Problems of a request body against the described schema. */
  requestProblems(route: string, body: unknown): string[] {
    const { method, path } = this.operation(route);
    const validate = this.validator(
      pointer('paths', path, method, 'requestBody', 'content', 'application/json', 'schema'),
    );
    return validate(body) ? [] : [`${route} request: ${this.ajv.errorsText(validate.errors)}`];
  }
}
