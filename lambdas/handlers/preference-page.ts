/**
 * API Gateway (public page) → GET /p/{token}: the subscriber's preference page, changing nothing (link
 * previews fetch it); POST /p/{token}: one change from the page's own forms → the page again, or a
 * 404 page for a tampered, expired or unknown token (docs/preferences.md).
 */
import { randomBytes } from 'node:crypto';
import { DynamoConsentLogStore } from '../adapters/consent-log-store';
import { DynamoEphemeralStore } from '../adapters/ephemeral-store';
import { EventBridgePublisher } from '../adapters/event-publisher';
import { DynamoMessageStore } from '../adapters/message-store';
import { SecretsManagerPreferenceKeys } from '../adapters/preference-keys';
import { DynamoProfileStore } from '../adapters/profile-store';
import { systemClock } from '../adapters/system-clock';
import { html } from '../domain/html';
import { pageRequestBucket } from '../domain/rate-limits';
import type { EphemeralStore } from '../domain/stores/ephemeral';
import { consentStateOf } from '../domain/consent';
import { RateLimitedError } from '../domain/errors';
import {
  PAUSE_DAYS,
  PREFERENCE_PAGE_SOURCE,
  WEEKLY_CAPS,
  type PauseDays,
  type PreferenceChange,
  type PreferenceRefusal,
  type WeeklyCap,
} from '../domain/preference-changes';
import { formDisclosure } from '../domain/signup-form';
import { optInBlockedUntil } from '../domain/subscription-engine';
import { enforceRateLimits } from '../services/subscriptions';
import {
  displayDate,
  perWeekText,
  preferencePageBody,
  resubscribeBlockedText,
} from '../domain/preference-page-view';
import { formProof, isFormProof } from '../domain/preference-token';
import { pausedUntil } from '../domain/profile';
import { recipientTimeZone } from '../domain/quiet-hours';
import {
  changePreferences,
  openPage,
  type OpenedPage,
  type PreferencePageDeps,
} from '../services/preference-page';
import { environmentOf } from '../../lib/function-environment';
import { httpHandler, type HttpRequest, type HttpResponse } from './shared/http';
import { notFoundPage, pageResponse } from './shared/page';
import { runtimeConfig } from './shared/runtime';
import { smsGateway } from './shared/sms';

const environment = environmentOf('preferencePage');

let deps: (PreferencePageDeps & { readonly ephemeral: EphemeralStore }) | undefined;
function dependencies(): PreferencePageDeps & { readonly ephemeral: EphemeralStore } {
  const env = environment();
  deps ??= {
    clock: systemClock,
    config: runtimeConfig(),
    profiles: new DynamoProfileStore(env.profilesTable),
    consentLog: new DynamoConsentLogStore(env.consentLogTable),
    messages: new DynamoMessageStore(env.messagesTable),
    gateway: smsGateway(env),
    events: new EventBridgePublisher(env.eventBus),
    keys: new SecretsManagerPreferenceKeys(env.preferenceKey, systemClock),
    ephemeral: new DynamoEphemeralStore(env.ephemeralTable),
  };
  return deps;
}

/** What "Subscribe again" asks for: marketing, with the signup forms' disclosure. */
const MARKETING = { classes: ['marketing'] } as const;

/** Search engines keep out; everything else comes with every page (shared/page.ts). */
const PRIVATE = { 'x-robots-tag': 'noindex, nofollow' };

async function render(
  opened: OpenedPage,
  token: string,
  status: number,
  message: { notice?: string; error?: string } = {},
): Promise<HttpResponse> {
  const d = dependencies();
  const config = runtimeConfig();
  const now = d.clock.now();
  return pageResponse(
    status,
    {
      title: `${config.brand}: your text preferences`,
      accentColor: config.brandColor,
      body: preferencePageBody({
        brand: config.brand,
        phone: opened.phone,
        profile: opened.profile,
        now,
        timeZone: recipientTimeZone(opened.profile?.timeZone, opened.phone, config.defaultTimeZone),
        topics: config.preferences.topics,
        disclosure: formDisclosure(MARKETING, config).text,
        proof: formProof(await d.keys.current(), token),
        // A value of this rendering: the same form posted twice records one change.
        submission: randomBytes(12).toString('base64url'),
        ...message,
      }),
    },
    PRIVATE,
  );
}

/**
 * A post another site made the browser send (cross-site request forgery): browsers say so in
 * `Sec-Fetch-Site`, older ones in `Origin`; a form the page did not render lacks its proof. The page's
 * `no-referrer` policy makes browsers send `Origin: null` with its own forms, so only a named other
 * origin counts against a post, and the proof decides.
 */
function crossSite(request: HttpRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== '') return site !== 'same-origin' && site !== 'none';
  const origin = request.headers.origin;
  if (origin === undefined || origin === 'null') return false;
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true;
  }
}

function field(body: unknown, name: string): string | undefined {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

function changeOf(body: unknown): PreferenceChange | undefined {
  switch (field(body, 'action')) {
    case 'pause': {
      const days = Number(field(body, 'days'));
      return PAUSE_DAYS.includes(days as PauseDays) ? { kind: 'pause', days: days as PauseDays } : undefined;
    }
    case 'resume':
      return { kind: 'resume' };
    case 'unsubscribe':
      return { kind: 'unsubscribe', transactional: field(body, 'transactional') === 'stop' };
    case 'resubscribe':
      return { kind: 'resubscribe' };
    case 'topics': {
      // An unticked checkbox is not posted: every configured topic is on exactly when it is present.
      const topics = runtimeConfig().preferences.topics;
      if (topics.length === 0) return undefined;
      return {
        kind: 'topics',
        choices: Object.fromEntries(
          topics.map((t) => [t.property, field(body, `topic:${t.property}`) === 'on']),
        ),
      };
    }
    case 'frequency': {
      const perWeek = field(body, 'perWeek');
      if (perWeek === 'any') return { kind: 'frequency', perWeek: null };
      return WEEKLY_CAPS.includes(Number(perWeek) as WeeklyCap)
        ? { kind: 'frequency', perWeek: Number(perWeek) as WeeklyCap }
        : undefined;
    }
    default:
      return undefined;
  }
}

/** A 429 page once the address used up its hour (docs/preferences.md), else undefined. */
async function overLimit(request: HttpRequest): Promise<HttpResponse | undefined> {
  if (!request.sourceIp) return undefined;
  const d = dependencies();
  const now = d.clock.now();
  const bucket = pageRequestBucket(request.sourceIp, now, runtimeConfig().preferences.requestsPerIpPerHour);
  if (!(await d.ephemeral.consume([bucket]))) return undefined;
  const retryAfter = Math.max(1, Math.ceil((bucket.windowEndsAt.getTime() - now.getTime()) / 1000));
  return pageResponse(
    429,
    {
      title: 'Too many requests',
      accentColor: runtimeConfig().brandColor,
      body: html`<div class="card">
        <h1>Too many requests</h1>
        <p>Please try again later.</p>
      </div>`,
    },
    { ...PRIVATE, 'retry-after': String(retryAfter) },
  );
}

function refusedPage(): HttpResponse {
  return pageResponse(
    403,
    {
      title: 'Not changed',
      accentColor: runtimeConfig().brandColor,
      body: html`<div class="card">
        <h1>Nothing was changed</h1>
        <p>Changes can only be made from the preference page itself. Open the link from your text again.</p>
      </div>`,
    },
    PRIVATE,
  );
}

/** Why the page could not make a change, as the person reads it. */
function refusalText(reason: PreferenceRefusal['reason'], opened: OpenedPage): string {
  switch (reason) {
    case 'not_subscribed':
    case 'unchanged':
      return 'You are not subscribed to marketing texts, so there is nothing to change.';
    case 'not_paused':
      return 'Your texts are not paused.';
    case 'already_subscribed':
      return opened.profile?.marketing === 'pending'
        ? 'Your subscription waits for your reply: answer Y to the text we sent.'
        : 'You are already subscribed to marketing texts.';
    case 'opt_out_list_locked': {
      const config = runtimeConfig();
      const now = dependencies().clock.now();
      const until = opened.profile && optInBlockedUntil(consentStateOf(opened.profile), now);
      const zone = recipientTimeZone(opened.profile?.timeZone, opened.phone, config.defaultTimeZone);
      return until
        ? resubscribeBlockedText(until, zone)
        : 'You cannot subscribe again yet. Please try again later.';
    }
  }
}

export const handler = httpHandler(
  environment,
  {
    'GET /p/{token}': async (request) => {
      const limited = await overLimit(request);
      if (limited) return limited;
      const token = request.pathParameters.token ?? '';
      const opened = await openPage(dependencies(), token);
      if (!opened) return notFoundPage(runtimeConfig().brandColor);
      return render(opened, token, 200);
    },
    'POST /p/{token}': async (request) => {
      const limited = await overLimit(request);
      if (limited) return limited;
      const token = request.pathParameters.token ?? '';
      const d = dependencies();
      const opened = await openPage(d, token);
      if (!opened) return notFoundPage(runtimeConfig().brandColor);
      if (crossSite(request) || !isFormProof(await d.keys.all(), token, field(request.body, 'proof') ?? ''))
        return refusedPage();
      const change = changeOf(request.body);
      const submission = field(request.body, 'submission') ?? '';
      if (!change || !/^[\w-]{16,64}$/.test(submission))
        return render(opened, token, 400, { error: 'Choose one of the options and try again.' });
      const config = runtimeConfig();
      if (change.kind === 'resubscribe') {
        // Consent to marketing texts takes the person's own tick, as on the signup forms.
        if (!['yes', 'on'].includes(field(request.body, 'consent') ?? ''))
          return render(opened, token, 400, {
            error: 'consent.checkedByUser: tick the box to agree to receive texts, then subscribe again.',
          });
        // It texts the number: the limits of every request that does (SMS pumping).
        try {
          await enforceRateLimits({ ...d, config }, opened.phone, request.sourceIp);
        } catch (error) {
          if (!(error instanceof RateLimitedError)) throw error;
          return render(opened, token, 429, { error: 'Too many requests. Please try again later.' });
        }
      }
      const outcome = await changePreferences(d, {
        phone: opened.phone,
        change,
        submission,
        evidence: {
          method: 'preference_page',
          ...(request.sourceIp ? { ip: request.sourceIp } : {}),
          ...(request.userAgent ? { userAgent: request.userAgent } : {}),
          // The link's token is a credential until it expires: the log keeps where, not the key.
          pageUrl: request.path.replace(token, '{token}'),
          ...(change.kind === 'resubscribe'
            ? {
                source: PREFERENCE_PAGE_SOURCE,
                disclosure: formDisclosure(MARKETING, config),
                checkedByUser: true,
                // The page renders the box unticked.
                uncheckedByDefault: true,
              }
            : {}),
        },
      });
      // Topics saved as they were: nothing to record, and nothing wrong.
      if (outcome.status === 'refused' && outcome.reason === 'unchanged')
        return render(opened, token, 200, { notice: 'Saved your topics.' });
      if (outcome.status === 'refused')
        return render(opened, token, 409, { error: refusalText(outcome.reason, opened) });
      const after = { ...opened, profile: outcome.profile };
      if (change.kind === 'resubscribe')
        return render(after, token, 200, {
          notice: 'Check your phone: reply Y to the text we sent to confirm your subscription.',
        });
      if (change.kind === 'topics') return render(after, token, 200, { notice: 'Saved your topics.' });
      if (change.kind === 'unsubscribe')
        return render(after, token, 200, {
          notice: change.transactional
            ? 'You are unsubscribed from all texts.'
            : 'You are unsubscribed from marketing texts.',
        });
      if (change.kind === 'frequency')
        return render(after, token, 200, {
          notice:
            change.perWeek === null
              ? 'Saved. You will get every marketing text again.'
              : `Saved. You will get at most ${perWeekText(change.perWeek)}.`,
        });
      const until = outcome.profile && pausedUntil(outcome.profile);
      const zone = recipientTimeZone(outcome.profile?.timeZone, opened.phone, config.defaultTimeZone);
      return render(after, token, 200, {
        notice:
          change.kind === 'pause' && until
            ? `Paused. You will get no marketing texts until ${displayDate(until, zone)}.`
            : 'Your texts will resume.',
      });
    },
  },
  { forms: true },
);
