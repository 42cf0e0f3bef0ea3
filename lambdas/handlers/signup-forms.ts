/**
 * API Gateway (public pages) → GET /f/{formId}: the hosted signup form; POST /f/{formId}/submit: a
 * form post (the page's, or the embed script's as JSON) → the same subscription as
 * `POST /v1/subscriptions`, with the disclosure taken from the form's config → a page (or JSON)
 * saying what happens next.
 */
import { qrSvg } from '../domain/click-to-text';
import { DomainError, RateLimitedError } from '../domain/errors';
import { normalisePhone } from '../domain/phone';
import type { RuntimeConfig } from '../domain/runtime-config';
import { findForm, formDisclosure, readFormEntry, type SignupForm } from '../domain/signup-form';
import {
  codePage,
  pendingPage,
  signupPage,
  successPage,
  type FormView,
  type PageContent,
} from '../domain/signup-form-page';
import {
  checkVerification,
  startVerification,
  subscribe,
  type SubscriptionDeps,
  type SubscriptionPayload,
} from '../services/subscriptions';
import { environmentOf } from '../../lib/function-environment';
import { httpHandler, type HttpRequest, type HttpResponse } from './shared/http';
import { notFoundPage, PAGE_HEADERS, pageResponse } from './shared/page';
import { runtimeConfig } from './shared/runtime';
import { requestContext, subscriptionDependencies } from './shared/subscription-deps';

const environment = environmentOf('signupForms');

let deps: SubscriptionDeps | undefined;
function dependencies(): SubscriptionDeps {
  deps ??= subscriptionDependencies(environment());
  return deps;
}

/** The URL the browser sees for a path of this API (API Gateway sets X-Forwarded-Proto). */
function absoluteUrl(request: HttpRequest, path: string): string {
  const scheme = request.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
  return `${scheme}://${request.headers.host ?? 'localhost'}${path}`;
}

/** The embed script asks for JSON; a browser's own form post gets a page. */
function wantsJson(request: HttpRequest): boolean {
  return (request.headers.accept ?? '').includes('application/json');
}

function page(status: number, content: PageContent, config: RuntimeConfig): HttpResponse {
  return pageResponse(status, { ...content, accentColor: config.brandColor });
}

/** What the person typed, to fill the form again when it comes back with a problem. */
function typedValues(form: SignupForm, body: unknown): Record<string, string> {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const values: Record<string, string> = {};
  for (const name of ['phone', 'country', ...form.fields]) {
    const value = fields[name];
    if (typeof value === 'string') values[name] = value.slice(0, 200);
  }
  return values;
}

type Outcome =
  | { readonly kind: 'pending' | 'subscribed' }
  | { readonly kind: 'code_sent'; readonly phone: string; readonly carried: Record<string, string> };

async function submitForm(form: SignupForm, request: HttpRequest, config: RuntimeConfig): Promise<Outcome> {
  const entry = readFormEntry(form, request.body);
  const d = dependencies();
  const allowed = d.phonePolicy.allowedCountries;
  const country = entry.country && allowed.includes(entry.country) ? entry.country : undefined;
  const phone = normalisePhone(entry.phone, {
    defaultCountry: country ?? d.phonePolicy.defaultCountry,
    allowedCountries: allowed,
  }).e164;
  const pageUrl = entry.pageUrl ?? absoluteUrl(request, request.path.replace(/\/submit$/, ''));
  const context = requestContext(request, d.clock.now());
  const payload: SubscriptionPayload = {
    phone,
    source: form.source,
    consent: {
      method: 'form',
      classes: form.classes,
      // The words the form showed, from its config: never what the browser says it showed.
      disclosure: formDisclosure(form, config),
      pageUrl,
      checkedByUser: true,
      // The form renders the box unticked.
      uncheckedByDefault: true,
    },
    ...(Object.keys(entry.properties).length > 0 ? { properties: entry.properties } : {}),
  };
  if (form.smartOptIn) {
    // Smart Opt-in: one text, the code; typing it on the page proves the phone is the person's.
    if (entry.code === undefined) {
      await startVerification(d, phone, context);
      const carried = Object.fromEntries(Object.entries(entry.properties).map(([k, v]) => [k, String(v)]));
      return { kind: 'code_sent', phone, carried: { ...carried, pageUrl } };
    }
    const result = await checkVerification(d, { ...payload, code: entry.code }, context);
    return { kind: result.pending ? 'pending' : 'subscribed' };
  }
  const result = await subscribe(d, payload, context);
  return { kind: result.pending ? 'pending' : 'subscribed' };
}

function outcomeJson(form: SignupForm, outcome: Outcome) {
  switch (outcome.kind) {
    case 'pending':
      return { status: 'pending', message: 'Check your phone: reply Y to confirm' };
    case 'code_sent':
      return { status: 'code_sent', phone: outcome.phone, message: 'Enter the code we texted you' };
    case 'subscribed':
      return { status: 'subscribed', message: form.successMessage, incentive: form.incentive ?? null };
  }
}

function outcomePage(form: SignupForm, outcome: Outcome, config: RuntimeConfig, action: string): PageContent {
  switch (outcome.kind) {
    case 'pending':
      return pendingPage(form, config);
    case 'code_sent':
      return codePage(form, config, { action, phone: outcome.phone, carried: outcome.carried });
    case 'subscribed':
      return successPage(form, config);
  }
}

/** A refused code step comes back as the code step, with what it carried. */
function codeStepOf(
  form: SignupForm,
  body: unknown,
): { phone: string; carried: Record<string, string> } | undefined {
  if (!form.smartOptIn || typeof body !== 'object' || body === null) return undefined;
  const fields = body as Record<string, unknown>;
  if (typeof fields.code !== 'string' || typeof fields.phone !== 'string') return undefined;
  const carried: Record<string, string> = {};
  for (const name of [...form.fields, 'pageUrl']) {
    const value = fields[name];
    if (typeof value === 'string') carried[name] = value.slice(0, 2000);
  }
  return { phone: fields.phone.slice(0, 32), carried };
}

export const handler = httpHandler(
  environment,
  {
    'GET /f/{formId}': (request) => {
      const config = runtimeConfig();
      const form = findForm(config, request.pathParameters.formId ?? '');
      if (!form) return Promise.resolve(notFoundPage(config.brandColor));
      const view: FormView = {
        action: `${request.path}/submit`,
        pageUrl: absoluteUrl(request, request.path),
      };
      return Promise.resolve(page(200, signupPage(form, config, view), config));
    },
    'GET /f/{formId}/qr.svg': (request) => {
      const config = runtimeConfig();
      const form = findForm(config, request.pathParameters.formId ?? '');
      if (!form) return Promise.resolve(notFoundPage(config.brandColor));
      // The QR code of the form page, for posters that lead to it.
      const pageUrl = absoluteUrl(request, request.path.replace(/\/qr\.svg$/, ''));
      return Promise.resolve({
        status: 200,
        text: qrSvg(pageUrl),
        headers: { ...PAGE_HEADERS, 'content-type': 'image/svg+xml' },
      });
    },
    'POST /f/{formId}/submit': async (request) => {
      const config = runtimeConfig();
      const json = wantsJson(request);
      const form = findForm(config, request.pathParameters.formId ?? '');
      if (!form) {
        return json
          ? { status: 404, body: { error: { code: 'not_found', message: 'no such form', field: 'formId' } } }
          : notFoundPage(config.brandColor);
      }
      try {
        const outcome = await submitForm(form, request, config);
        if (json) return { status: 200, body: outcomeJson(form, outcome) };
        return page(200, outcomePage(form, outcome, config, request.path), config);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const headers: Record<string, string> =
          error instanceof RateLimitedError && error.retryAfterSeconds !== undefined
            ? { 'retry-after': String(error.retryAfterSeconds) }
            : {};
        if (json) {
          const problem = {
            code: error.code,
            message: error.message,
            ...(error.field ? { field: error.field } : {}),
          };
          return { status: error.status, body: { error: problem }, headers };
        }
        const problem = { message: error.message, ...(error.field ? { field: error.field } : {}) };
        const codeStep = codeStepOf(form, request.body);
        if (codeStep) {
          const response = page(
            error.status,
            codePage(form, config, { action: request.path, ...codeStep, problem }),
            config,
          );
          return { ...response, headers: { ...response.headers, ...headers } };
        }
        const view: FormView = {
          action: request.path,
          pageUrl: absoluteUrl(request, request.path.replace(/\/submit$/, '')),
          values: typedValues(form, request.body),
          problem,
        };
        const response = page(error.status, signupPage(form, config, view), config);
        return { ...response, headers: { ...response.headers, ...headers } };
      }
    },
  },
  { forms: true },
);
