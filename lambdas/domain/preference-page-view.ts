/**
 * The preference page's markup (docs/preferences.md): the subscriber's state and one form per
 * change. Plain HTML forms that post back to the page's own URL, each carrying the token's form
 * proof and a one-time submission value; no script.
 */
import { consentStateOf } from './consent';
import { html, type Html } from './html';
import { PAUSE_DAYS, WEEKLY_CAPS } from './preference-changes';
import { textWithLinks } from './signup-form';
import { optInBlockedUntil } from './subscription-engine';
import {
  GENERIC_PAUSE_PROPERTY,
  isOptedOut,
  isPausedUntilLater,
  maxMarketingPerWeek,
  pausedUntil,
  type Profile,
} from './profile';

export interface PreferencePageView {
  readonly brand: string;
  readonly phone: string;
  readonly profile: Profile | undefined;
  readonly now: Date;
  /** The topics of config `preferences.topics`, offered as checkboxes. */
  readonly topics: readonly { readonly property: string; readonly label: string }[];
  /** The recipient's zone, for dates. */
  readonly timeZone: string;
  /** Hidden values every form sends back. */
  readonly proof: string;
  readonly submission: string;
  /** The disclosure "Subscribe again" shows above its button (the signup forms' words for marketing). */
  readonly disclosure: string;
  /** What the last post did, said at the top. */
  readonly notice?: string;
  readonly error?: string;
}

/** A date as the subscriber reads it: "December 27, 2026". */
export function displayDate(at: Date | string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone }).format(new Date(at));
}

export function preferencePageBody(view: PreferencePageView): Html {
  const { profile } = view;
  const hidden = html`<input type="hidden" name="proof" value="${view.proof}" /><input
      type="hidden"
      name="submission"
      value="${view.submission}"
    />`;
  const subscribed = profile !== undefined && !isOptedOut(profile) && profile.marketing === 'subscribed';
  const timedPause = profile && isPausedUntilLater(profile, view.now) ? pausedUntil(profile) : undefined;
  const keywordPause = profile?.properties[GENERIC_PAUSE_PROPERTY] !== undefined;
  const pending = profile !== undefined && !isOptedOut(profile) && profile.marketing === 'pending';
  const state = pending
    ? html`<p>Your subscription waits for your reply: answer Y to the text we sent to confirm it.</p>`
    : !subscribed
      ? html`<p>You are not subscribed to marketing texts from ${view.brand}.</p>`
      : timedPause
        ? html`<p>
            Marketing texts are paused until <strong>${displayDate(timedPause, view.timeZone)}</strong>.
          </p>`
        : keywordPause
          ? html`<p>Marketing texts are paused until you resume them.</p>`
          : html`<p>You get marketing texts from ${view.brand}.</p>`;
  const resume =
    subscribed && (timedPause || keywordPause)
      ? html`<form method="post" class="section">
          ${hidden}<input type="hidden" name="action" value="resume" />
          <button type="submit">Resume texts now</button>
        </form>`
      : undefined;
  const pause = subscribed
    ? html`<form method="post" class="section">
        ${hidden}<input type="hidden" name="action" value="pause" />
        <fieldset>
          <legend>Take a break</legend>
          ${PAUSE_DAYS.map(
            (days, i) =>
              html`<label class="check"
                ><input type="radio" name="days" value="${days}" ${i === 1 ? html`checked` : ''} /> ${days}
                days</label
              >`,
          )}
        </fieldset>
        <button type="submit">Pause texts</button>
      </form>`
    : undefined;
  const cap = profile ? maxMarketingPerWeek(profile) : undefined;
  const fewer = subscribed
    ? html`<form method="post" class="section">
        ${hidden}<input type="hidden" name="action" value="frequency" />
        <fieldset>
          <legend>Fewer texts</legend>
          ${WEEKLY_CAPS.map(
            (perWeek) =>
              html`<label class="check"
                ><input
                  type="radio"
                  name="perWeek"
                  value="${perWeek}"
                  ${cap === perWeek ? html`checked` : ''}
                />
                At most ${perWeekText(perWeek)}</label
              >`,
          )}
          <label class="check"
            ><input type="radio" name="perWeek" value="any" ${cap === undefined ? html`checked` : ''} /> Every
            text</label
          >
        </fieldset>
        <button type="submit">Save</button>
      </form>`
    : undefined;
  const topics =
    subscribed && view.topics.length > 0
      ? html`<form method="post" class="section">
          ${hidden}<input type="hidden" name="action" value="topics" />
          <fieldset>
            <legend>Topics</legend>
            ${view.topics.map(
              (topic) =>
                html`<label class="check"
                  ><input
                    type="checkbox"
                    name="topic:${topic.property}"
                    value="on"
                    ${profile?.properties[topic.property] === false ? '' : html`checked`}
                  />
                  ${topic.label}</label
                >`,
            )}
          </fieldset>
          <button type="submit">Save topics</button>
        </form>`
      : undefined;
  const marketingOn =
    profile !== undefined &&
    !isOptedOut(profile) &&
    (profile.marketing === 'subscribed' || profile.marketing === 'pending');
  const transactionalOn =
    profile !== undefined && !isOptedOut(profile) && profile.transactional === 'subscribed';
  const unsubscribe =
    marketingOn || transactionalOn
      ? html`<form method="post" class="section">
          ${hidden}<input type="hidden" name="action" value="unsubscribe" />
          <fieldset>
            <legend>Unsubscribe</legend>
            <p>
              You will get no more marketing texts. To subscribe again you confirm by text, as the first time.
            </p>
            ${
              transactionalOn
                ? html`<label class="check"
                    ><input type="checkbox" name="transactional" value="stop" /> Also stop order and account
                    texts</label
                  >`
                : ''
            }
          </fieldset>
          <button type="submit">Unsubscribe from marketing texts</button>
        </form>`
      : undefined;
  const resubscribe =
    profile !== undefined && !subscribed && !pending ? resubscribeSection(view, profile, hidden) : undefined;
  return html`<div class="card">
    <p class="brand">${view.brand}</p>
    <h1>Your text preferences</h1>
    <p>For the number ending in ${view.phone.slice(-4)}.</p>
    ${view.notice ? html`<p class="notice" role="status">${view.notice}</p>` : ''}
    ${view.error ? html`<p class="error" role="alert">${view.error}</p>` : ''} ${state}
    ${cap !== undefined && subscribed ? html`<p>At most ${perWeekText(cap)}.</p>` : ''} ${resume} ${pause}
    ${fewer} ${topics} ${unsubscribe} ${resubscribe}
  </div>`;
}

/** When End User Messaging lets the number back on the list (docs/preferences.md#subscribe-again). */
export function resubscribeBlockedText(until: Date, timeZone: string): string {
  return (
    `You can subscribe again from ${displayDate(until, timeZone)}. ` +
    'You opted out by text within 30 days of subscribing again, and our texting provider takes a number back only once in 30 days.'
  );
}

/**
 * "Subscribe again": the unticked box and the disclosure right above the button, as on the signup
 * forms; or, while End User Messaging's 30 days hold, when it can be done.
 */
function resubscribeSection(view: PreferencePageView, profile: Profile, hidden: Html): Html {
  const blockedUntil = optInBlockedUntil(consentStateOf(profile), view.now);
  if (blockedUntil)
    return html`<div class="section">
      <h2>Subscribe again</h2>
      <p>${resubscribeBlockedText(blockedUntil, view.timeZone)}</p>
    </div>`;
  const disclosure = textWithLinks(view.disclosure).map((part) =>
    part.url ? html`<a href="${part.text}" target="_blank" rel="noopener">${part.text}</a>` : part.text,
  );
  return html`<form method="post" class="section">
    ${hidden}<input type="hidden" name="action" value="resubscribe" />
    <fieldset>
      <legend>Subscribe again</legend>
      <p>We text you to confirm: your subscription starts when you reply Y.</p>
      <label class="check" for="optline-consent"
        ><input
          id="optline-consent"
          name="consent"
          type="checkbox"
          value="yes"
          aria-describedby="optline-disclosure"
        />
        Yes, text me offers from ${view.brand}.</label
      >
    </fieldset>
    <p class="disclosure" id="optline-disclosure">${disclosure}</p>
    <button type="submit">Subscribe again</button>
  </form>`;
}

/** "1 text a week", "2 texts a week". */
export function perWeekText(perWeek: number): string {
  return `${perWeek} ${perWeek === 1 ? 'text' : 'texts'} a week`;
}
