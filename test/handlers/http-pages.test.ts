/** The HTTP bundle's support for pages: browser form posts in, pages and other non-JSON bodies out. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { httpHandler, type HttpRequest } from '../../lambdas/handlers/shared/http';

const context = { functionName: 'test', awsRequestId: 'r-1' } as Context;

function event(body: string, contentType: string): APIGatewayProxyEvent {
  return {
    resource: '/f/{formId}/submit',
    path: '/f/signup/submit',
    httpMethod: 'POST',
    headers: { 'Content-Type': contentType },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { formId: 'signup' },
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: { path: '/prod/f/signup/submit' } as APIGatewayProxyEvent['requestContext'],
  };
}

function echo(forms: boolean) {
  let seen: HttpRequest | undefined;
  const handler = httpHandler(
    () => ({ logPii: false }),
    {
      'POST /f/{formId}/submit': (request) => {
        seen = request;
        return Promise.resolve({ status: 200, text: '<p>ok</p>', headers: { 'content-type': 'text/html' } });
      },
    },
    { forms },
  );
  return {
    call: (body: string, type: string) =>
      handler(event(body, type), context) as Promise<APIGatewayProxyResult>,
    seen: () => seen,
  };
}

describe('httpHandler for pages', () => {
  it('reads a form post as its fields, and answers the page as it is', async () => {
    const route = echo(true);
    const answer = await route.call(
      'phone=%2B1+206+555+0100&consent=on&first_name=Ada',
      'application/x-www-form-urlencoded; charset=UTF-8',
    );
    expect(route.seen()?.body).toEqual({ phone: '+1 206 555 0100', consent: 'on', first_name: 'Ada' });
    expect(route.seen()?.path).toBe('/prod/f/signup/submit');
    expect(answer).toMatchObject({
      statusCode: 200,
      body: '<p>ok</p>',
      headers: { 'content-type': 'text/html' },
    });
  });

  it('still reads JSON on routes that take forms', async () => {
    const route = echo(true);
    await route.call('{"phone":"+12065550100"}', 'application/json');
    expect(route.seen()?.body).toEqual({ phone: '+12065550100' });
  });

  it('refuses a form post where the routes take JSON only', async () => {
    const route = echo(false);
    const answer = await route.call('phone=1', 'application/x-www-form-urlencoded');
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'invalid_json', field: 'body' } });
  });
});
