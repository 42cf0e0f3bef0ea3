/**
 * The signup form's markup (docs/pages.md#signup-forms): mobile first, no framework, working without
 * JavaScript; one small inline script formats the phone number as it is typed. The same form markup
 * is what `embed.js` puts on a shop's page.
 */
import { html, type Html } from './html';
import type { RuntimeConfig } from './runtime-config';
import { countryOptions, formDisclosure, textWithLinks, type SignupForm } from './signup-form';

export interface PageContent {
  readonly title: string;
  readonly body: Html;
  readonly scripts?: readonly string[];
}

type Program = Pick<
  RuntimeConfig,
  'brand' | 'programName' | 'messageFrequency' | 'termsUrl' | 'privacyUrl' | 'allowedCountries' | 'forms'
>;

export interface FormProblem {
  readonly message: string;
  /** The field at fault, as the API names it (`phone`, `consent.checkedByUser`…). */
  readonly field?: string;
}

export interface FormView {
  /** Where the form posts (the page's own `…/submit`). */
  readonly action: string;
  /** The page's URL, posted back as evidence of where consent was given. */
  readonly pageUrl?: string;
  /** What the person typed, when the form comes back with a problem (never the checkbox). */
  readonly values?: Readonly<Record<string, string>>;
  readonly problem?: FormProblem;
}

const LABELS: Readonly<Record<string, { label: string; type: string; autocomplete?: string }>> = {
  first_name: { label: 'First name', type: 'text', autocomplete: 'given-name' },
  email: { label: 'Email', type: 'email', autocomplete: 'email' },
};

/**
 * Formats a North American number as it is typed: (206) 555-0100. Other countries are left as typed.
 * A function of the document or shadow root that holds the form (the embed script's is a shadow root).
 */
export const PHONE_FORMAT_FUNCTION =
  "function(r){var p=r.getElementById('optline-phone'),c=r.getElementById('optline-country');" +
  "if(!p)return;p.addEventListener('input',function(e){if(e.inputType&&e.inputType.indexOf('delete')===0)return;" +
  "var o=c&&c.options?c.options[c.selectedIndex]:c;if(o&&o.getAttribute('data-code')!=='1')return;if(/^\\s*\\+/.test(p.value))return;" +
  "var d=p.value.replace(/\\D/g,'');if(d.length>10)return;" +
  "p.value=d.length>6?'('+d.slice(0,3)+') '+d.slice(3,6)+'-'+d.slice(6):d.length>3?'('+d.slice(0,3)+') '+d.slice(3):d;});}";

/** The hosted page's inline script: the formatter on the page's own form. */
export const PHONE_FORMAT_SCRIPT = `(${PHONE_FORMAT_FUNCTION})(document);`;

function disclosureMarkup(form: SignupForm, program: Program): Html {
  const parts = textWithLinks(formDisclosure(form, program).text).map((part) =>
    part.url ? html`<a href="${part.text}" target="_blank" rel="noopener">${part.text}</a>` : part.text,
  );
  return html`<p class="disclosure" id="optline-disclosure">${parts}</p>`;
}

/** The `<form>` itself: phone, the form's fields, the unticked consent box, the disclosure, the button. */
export function signupFormMarkup(form: SignupForm, program: Program, view: FormView): Html {
  const problem = view.problem;
  const invalid = (name: string) => (problem?.field === name ? 'true' : 'false');
  const value = (name: string) => view.values?.[name] ?? '';
  const countries = countryOptions(program);
  const selected = view.values?.country ?? countries[0]?.country;
  const countrySelect =
    countries.length > 1
      ? html`<select id="optline-country" name="country" aria-label="Country">
          ${countries.map(
            (c) =>
              html`<option
                value="${c.country}"
                data-code="${c.callingCode}"
                ${c.country === selected ? html`selected` : ''}
              >
                ${c.country} +${c.callingCode}
              </option>`,
          )}
        </select>`
      : html`<input
          type="hidden"
          data-code="${countries[0]?.callingCode ?? '1'}"
          id="optline-country"
          name="country"
          value="${countries[0]?.country ?? 'US'}"
        />`;
  const extraFields = form.fields.map((name) => {
    const known = LABELS[name];
    const id = `optline-field-${name}`;
    return html`<label for="${id}">${known?.label ?? name} <span class="optional">(optional)</span></label>
      <input
        id="${id}"
        name="${name}"
        type="${known?.type ?? 'text'}"
        ${known?.autocomplete ? html`autocomplete="${known.autocomplete}"` : ''}
        value="${value(name)}"
        maxlength="200"
        aria-invalid="${invalid(name)}"
      />`;
  });
  return html`<form method="post" action="${view.action}" class="optline-form" novalidate>
    ${problem ? html`<p class="error" role="alert" id="optline-problem">${problem.message}</p>` : ''}
    ${view.pageUrl ? html`<input type="hidden" name="pageUrl" value="${view.pageUrl}" />` : ''}
    <label for="optline-phone">Mobile number</label>
    <div class="row">
      ${countrySelect}
      <input
        id="optline-phone"
        name="phone"
        type="tel"
        inputmode="tel"
        autocomplete="tel-national"
        required
        maxlength="32"
        value="${value('phone')}"
        aria-invalid="${invalid('phone')}"
        ${problem?.field === 'phone' ? html`aria-describedby="optline-problem"` : ''}
      />
    </div>
    ${extraFields}
    <label class="check" for="optline-consent">
      <input
        id="optline-consent"
        name="consent"
        type="checkbox"
        value="yes"
        aria-invalid="${invalid('consent.checkedByUser')}"
        aria-describedby="optline-disclosure${problem?.field === 'consent.checkedByUser' ? ' optline-problem' : ''}"
      />
      <span>Yes, text me offers from ${program.brand}.</span>
    </label>
    ${disclosureMarkup(form, program)}
    <button type="submit">${form.smartOptIn ? 'Send me a code' : 'Sign up'}</button>
  </form>`;
}

/** `GET /f/{formId}`, and the same page with the problem when a post is refused. */
export function signupPage(form: SignupForm, program: Program, view: FormView): PageContent {
  return {
    title: `${form.headline} | ${program.brand}`,
    scripts: [PHONE_FORMAT_SCRIPT],
    body: html`<div class="card">
      <p class="brand">${program.brand}</p>
      <h1>${form.headline}</h1>
      ${form.incentive ? html`<p class="incentive">${form.incentive}</p>` : ''}
      ${signupFormMarkup(form, program, view)}
    </div>`,
  };
}

/** After a submit with double opt-in: the person confirms by replying to the text. */
export function pendingPage(form: SignupForm, program: Program): PageContent {
  return {
    title: `Check your phone | ${program.brand}`,
    body: html`<div class="card">
      <p class="brand">${program.brand}</p>
      <h1>Check your phone: reply Y to confirm</h1>
      <p class="notice" role="status">
        We texted you from ${program.brand}. Reply <strong>Y</strong> to that text to confirm your
        subscription.
      </p>
      ${form.incentive ? html`<p>Once you confirm: ${form.incentive}.</p>` : ''}
    </div>`,
  };
}

/** Subscribed (single opt-in, a correct code, or already subscribed). */
export function successPage(form: SignupForm, program: Program): PageContent {
  return {
    title: `Subscribed | ${program.brand}`,
    body: html`<div class="card">
      <p class="brand">${program.brand}</p>
      <h1>${form.successMessage}</h1>
      ${form.incentive ? html`<p class="notice" role="status">${form.incentive}</p>` : ''}
    </div>`,
  };
}

export interface CodeView {
  readonly action: string;
  /** The number the code was texted to (E.164). */
  readonly phone: string;
  /** What the first step carried: the page and the form's fields. */
  readonly carried: Readonly<Record<string, string>>;
  readonly problem?: FormProblem;
}

/** Smart Opt-in's second step: the code texted to the number completes the subscription. */
export function codePage(form: SignupForm, program: Program, view: CodeView): PageContent {
  return {
    title: `Enter your code | ${program.brand}`,
    body: html`<div class="card">
      <p class="brand">${program.brand}</p>
      <h1>Enter the code we texted you</h1>
      <p>
        We sent a 6-digit code to ${view.phone ? maskedNumber(view.phone) : 'your phone'}. It is valid for 10
        minutes.
      </p>
      ${codeFormMarkup(view)}
    </div>`,
  };
}

/** The code step's `<form>`: the ticked box and the fields of the first step go with it. */
export function codeFormMarkup(view: CodeView): Html {
  const problem = view.problem;
  return html`<form method="post" action="${view.action}" class="optline-form" novalidate>
    ${problem ? html`<p class="error" role="alert" id="optline-problem">${problem.message}</p>` : ''}
    <input type="hidden" name="phone" value="${view.phone}" />
    <input type="hidden" name="consent" value="yes" />
    ${Object.entries(view.carried).map(
      ([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`,
    )}
    <label for="optline-code">Code</label>
    <input
      id="optline-code"
      name="code"
      type="text"
      inputmode="numeric"
      autocomplete="one-time-code"
      pattern="[0-9]{6}"
      maxlength="6"
      required
      aria-invalid="${problem ? 'true' : 'false'}"
      ${problem ? html`aria-describedby="optline-problem"` : ''}
    />
    <button type="submit">Confirm</button>
  </form>`;
}

/** Enough of the number for the person to recognise it, not for someone looking over a shoulder. */
function maskedNumber(phone: string): string {
  return `the number ending in ${phone.slice(-4)}`;
}
