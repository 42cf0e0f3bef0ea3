/**
 * API Gateway (public pages) → GET /f/{formId}: the hosted signup form; GET /f/{formId}/embed.js: the
 * script that shows it on a shop's own site; POST /f/{formId}/submit: a form post (the page's, or the
 * embed script's as JSON from an allowed origin, after its OPTIONS preflight) → the same subscription
 * as `POST /v1/subscriptions`, with the disclosure taken from the form's config → a page (or JSON)
 * saying what happens next.
 */
import { qrSvg } from '../domain/click-to-text';
import { DomainError, RateLimitedError } from '../domain/errors';
import { html } from '../domain/html';
import { corsHeaders, judgeOrigin, type OriginVerdict } from '../domain/form-origins';
import { normalisePhone } from '../domain/phone';
import type { RuntimeConfig } from '../domain/runtime-config';
import { findForm, formDisclosure, readFormEntry, type SignupForm } from '../domain/signup-form';
import { embedScript } from '../domain/signup-form-embed';
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
import { notFoundPage, PAGE_HEADERS, pageResponse, pageStylesheet } from './shared/page';
import { runtimeConfig } from './shared/runtime';
import { requestContext, subscriptionDependencies } from './shared/subscription-deps';

const environment = environmentOf('signupForms');

let deps: SubscriptionDeps | undefined;
function dependencies(): SubscriptionDeps {
  deps ??= subscriptionDependencies(environment());
  return deps;
}

/** The origin the browser sent the request to (API Gateway sets X-Forwarded-Proto). */
function ownOrigin(request: HttpRequest): string {
  const scheme = request.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
  return `${scheme}://${request.headers.host ?? 'localhost'}`;
}

/** The URL the browser sees for a path of this API. */
function absoluteUrl(request: HttpRequest, path: string): string {
  return `${ownOrigin(request)}${path}`;
}

/** Where a post to the form comes from: its own page, an allowed site, or another site. */
function originOf(form: SignupForm, request: HttpRequest): OriginVerdict {
  return judgeOrigin(
    {
      ownOrigin: ownOrigin(request),
      ...(request.headers.origin !== undefined ? { origin: request.headers.origin } : {}),
      ...(request.headers['sec-fetch-site'] !== undefined
        ? { fetchSite: request.headers['sec-fetch-site'] }
        : {}),
    },
    form.allowedOrigins,
  );
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

/**
 * The page the consent was given on, for the consent log: a post from an allowed site names a page
 * of that site (its origin, when the page it names is elsewhere); the form's own page names its URL.
 */
function evidencePageUrl(pageUrl: string | undefined, origin: OriginVerdict): string | undefined {
  if (origin.kind !== 'allowed') return pageUrl;
  return pageUrl !== undefined && new URL(pageUrl).origin === origin.origin ? pageUrl : `${origin.origin}/`;
}

async function submitForm(
  form: SignupForm,
  request: HttpRequest,
  config: RuntimeConfig,
  origin: OriginVerdict,
): Promise<Outcome> {
  const entry = readFormEntry(form, request.body);
  const d = dependencies();
  const allowed = d.phonePolicy.allowedCountries;
  const country = entry.country && allowed.includes(entry.country) ? entry.country : undefined;
  const phone = normalisePhone(entry.phone, {
    defaultCountry: country ?? d.phonePolicy.defaultCountry,
    allowedCountries: allowed,
  }).e164;
  const pageUrl =
    evidencePageUrl(entry.pageUrl, origin) ?? absoluteUrl(request, request.path.replace(/\/submit$/, ''));
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
    'GET /f/{formId}/embed.js': (request) => {
      const config = runtimeConfig();
      const form = findForm(config, request.pathParameters.formId ?? '');
      const headers = {
        'content-type': 'text/javascript; charset=utf-8',
        'x-content-type-options': 'nosniff',
        // Loaded by other sites' pages (including those that isolate themselves with COEP).
        'cross-origin-resource-policy': 'cross-origin',
      };
      if (!form)
        return Promise.resolve({
          status: 404,
          text: '/* no such form */\n',
          headers: { ...headers, 'cache-control': 'no-store' },
        });
      const accentColor = config.brandColor;
      const script = embedScript(form, config, {
        submitUrl: absoluteUrl(request, request.path.replace(/\/embed\.js$/, '/submit')),
        stylesheet: pageStylesheet(accentColor),
        accentColor,
      });
      // Every page view of the shop loads it: a few minutes in the browser's cache spare the function.
      return Promise.resolve({
        status: 200,
        text: script,
        headers: { ...headers, 'cache-control': 'public, max-age=300' },
      });
    },
    'OPTIONS /f/{formId}/submit': (request) => {
      const config = runtimeConfig();
      const form = findForm(config, request.pathParameters.formId ?? '');
      const origin = form ? originOf(form, request) : ({ kind: 'refused' } as const);
      const method = request.headers['access-control-request-method'];
      if (origin.kind !== 'allowed' || (method !== undefined && method !== 'POST'))
        return Promise.resolve({
          status: 403,
          body: { error: { code: 'origin_not_allowed', message: 'this site may not post to this form' } },
          headers: corsHeaders({ kind: 'refused' }),
        });
      return Promise.resolve({ status: 204, text: '', headers: corsHeaders(origin, true) });
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
      const origin = originOf(form, request);
      const cors = corsHeaders(origin);
      if (origin.kind === 'refused') {
        // Another site's post: nothing is recorded or texted (docs/pages.md#on-a-shops-own-site).
        const message = 'this form takes posts from its own page and its allowed sites only';
        if (json)
          return { status: 403, body: { error: { code: 'origin_not_allowed', message } }, headers: cors };
        const response = page(
          403,
          {
            title: `Not sent | ${config.brand}`,
            body: html`<div class="card">
              <h1>Nothing was sent</h1>
              <p>Sign up on ${config.brand}'s own page.</p>
            </div>`,
          },
          config,
        );
        return { ...response, headers: { ...response.headers, ...cors } };
      }
      try {
        const outcome = await submitForm(form, request, config, origin);
        if (json) return { status: 200, body: outcomeJson(form, outcome), headers: cors };
        return page(200, outcomePage(form, outcome, config, request.path), config);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const headers: Record<string, string> = {
          ...(error instanceof RateLimitedError && error.retryAfterSeconds !== undefined
            ? { 'retry-after': String(error.retryAfterSeconds) }
            : {}),
          ...cors,
        };
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
