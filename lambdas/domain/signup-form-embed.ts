/**
 * `embed.js` (docs/pages.md#on-a-shops-own-site): a script a shop puts on its own site that shows a
 * signup form there, inline or as a teaser that opens it in a dialog, and posts it as JSON to the
 * form's submit route (cross-origin, allowed by the form's `allowedOrigins`). The markup is the
 * hosted page's, rendered here; the script only places it in a shadow root (the shop's styles do not
 * reach it, nor its styles the shop's page), posts it and shows the answer. It loads nothing else.
 */
import { html } from './html';
import type { RuntimeConfig } from './runtime-config';
import type { SignupForm } from './signup-form';
import {
  codePage,
  pendingPage,
  PHONE_FORMAT_FUNCTION,
  signupFormMarkup,
  successPage,
} from './signup-form-page';

type Program = Pick<
  RuntimeConfig,
  'brand' | 'programName' | 'messageFrequency' | 'termsUrl' | 'privacyUrl' | 'allowedCountries' | 'forms'
>;

export interface EmbedView {
  /** The absolute URL of the form's `…/submit`. */
  readonly submitUrl: string;
  /** The pages' stylesheet, with the brand's colour. */
  readonly stylesheet: string;
  /** CSS colour of buttons and links (`#rrggbb`). */
  readonly accentColor: string;
}

/** `data-mode` values: where the form shows on the shop's page. */
export const EMBED_MODES = ['inline', 'popup'] as const;

/** What the script adds to the pages' stylesheet: its own root, the teaser and the dialog. */
function embedStylesheet(accent: string): string {
  return [
    ':host{all:initial;display:block;--accent:' + accent + ';color:#1c1c1c;',
    'font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}',
    '.optline-embed{max-width:28rem}',
    'h2{font-size:1.25rem;line-height:1.25;margin:0 0 .5rem}',
    '.optline-teaser{position:fixed;right:1rem;bottom:1rem;width:auto;max-width:calc(100% - 2rem);z-index:2147483000;box-shadow:0 2px 8px rgba(0,0,0,.3)}',
    'dialog{border:0;padding:0;width:calc(100% - 2rem);max-width:28rem;background:transparent;overflow:visible}',
    'dialog::backdrop{background:rgba(0,0,0,.5)}',
    '.optline-close{position:absolute;top:.5rem;right:.5rem;z-index:1;width:auto;padding:.25rem .6rem;background:#fff;color:#1c1c1c;border:1px solid #767676}',
  ].join('');
}

/**
 * The script's code: a function of the data `embedScript` renders. It is plain ES2017 for every
 * current browser, touches the shop's page only to add its host element, and posts with
 * `credentials: 'omit'` (the route needs no cookie).
 */
const EMBED_RUNTIME = `function (d) {
  var script = document.currentScript;
  var attr = function (name) { return script ? script.getAttribute(name) : null; };
  // data-form names the form in the tag for whoever reads the shop's page; the script is that form's.
  var named = attr('data-form');
  if (named && named !== d.form) {
    console.error('Optline: data-form="' + named + '" but this script is form "' + d.form + '"');
    return;
  }
  var mode = attr('data-mode') === 'popup' ? 'popup' : 'inline';
  var host = document.createElement('div');
  host.setAttribute('data-optline-form', d.form);
  var root = host.attachShadow({ mode: 'open' });
  try {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(d.css);
    root.adoptedStyleSheets = [sheet];
  } catch (e) {
    var style = document.createElement('style');
    style.textContent = d.css;
    root.appendChild(style);
  }
  var box = document.createElement('div');
  box.className = 'optline-embed';
  if (mode === 'popup') {
    var teaser = document.createElement('button');
    teaser.type = 'button';
    teaser.className = 'optline-teaser';
    teaser.textContent = d.teaser;
    var dialog = document.createElement('dialog');
    dialog.setAttribute('aria-label', d.title);
    var close = document.createElement('button');
    close.type = 'button';
    close.className = 'optline-close';
    close.setAttribute('aria-label', 'Close');
    close.textContent = '\\u00d7';
    close.addEventListener('click', function () { dialog.close(); });
    teaser.addEventListener('click', function () { dialog.showModal(); });
    dialog.appendChild(close);
    dialog.appendChild(box);
    root.appendChild(teaser);
    root.appendChild(dialog);
  } else {
    root.appendChild(box);
  }
  var target = attr('data-target') ? document.getElementById(attr('data-target')) : null;
  if (target) target.appendChild(host);
  else if (mode === 'inline' && script && script.parentNode && script.parentNode !== document.head)
    script.parentNode.insertBefore(host, script);
  else document.body.appendChild(host);

  var fields = {};
  var show = function (markup) {
    box.innerHTML = markup;
    var form = box.querySelector('form');
    if (form) form.addEventListener('submit', submit);
    if (root.getElementById('optline-phone')) (${PHONE_FORMAT_FUNCTION})(root);
  };
  var problem = function (message, field) {
    var form = box.querySelector('form');
    if (!form) return;
    var old = root.getElementById('optline-problem');
    if (old) old.remove();
    var p = document.createElement('p');
    p.className = 'error';
    p.id = 'optline-problem';
    p.setAttribute('role', 'alert');
    p.textContent = message;
    form.insertBefore(p, form.firstChild);
    var ids = { phone: 'optline-phone', 'consent.checkedByUser': 'optline-consent', code: 'optline-code' };
    var inputs = form.querySelectorAll('input');
    for (var i = 0; i < inputs.length; i++) inputs[i].setAttribute('aria-invalid', 'false');
    var input = field ? root.getElementById(ids[field] || 'optline-field-' + field) : null;
    if (input) input.setAttribute('aria-invalid', 'true');
  };
  function submit(event) {
    event.preventDefault();
    var form = event.target;
    var entry = {};
    new FormData(form).forEach(function (value, name) { entry[name] = String(value); });
    if (entry.code === undefined) fields = entry;
    var body = Object.assign({}, fields, { pageUrl: location.href }, entry.code === undefined ? {} : { code: entry.code, phone: fields.e164, consent: 'yes' });
    delete body.e164;
    var button = form.querySelector('button[type=submit]');
    if (button) button.disabled = true;
    fetch(d.submitUrl, {
      method: 'POST',
      mode: 'cors',
      credentials: 'omit',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (button) button.disabled = false;
        if (answer.error) return problem(answer.error.message, answer.error.field);
        if (answer.status === 'code_sent') { fields.e164 = answer.phone; return show(d.code); }
        show(answer.status === 'pending' ? d.pending : d.success);
      });
    }).catch(function () {
      if (button) button.disabled = false;
      problem('We could not reach the signup service. Please try again later.');
    });
  }
  show(d.markup);
}`;

/** JSON that is safe inside a script (no `</script>`, no line separators that older parsers refuse). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The whole `embed.js` of a form: the runtime applied to the form's rendered markup and texts. */
export function embedScript(form: SignupForm, program: Program, view: EmbedView): string {
  const data = {
    form: form.id,
    submitUrl: view.submitUrl,
    css: view.stylesheet + embedStylesheet(view.accentColor),
    title: form.headline,
    teaser: form.incentive ?? form.headline,
    markup: html`<div class="card">
      <p class="brand">${program.brand}</p>
      <h2>${form.headline}</h2>
      ${form.incentive ? html`<p class="incentive">${form.incentive}</p>` : ''}
      ${signupFormMarkup(form, program, { action: view.submitUrl })}
    </div>`.value,
    code: codePage(form, program, { action: view.submitUrl, phone: '', carried: {} }).body.value,
    pending: pendingPage(form, program).body.value,
    success: successPage(form, program).body.value,
  };
  return `/* Optline signup form "${form.id}" */\n(${EMBED_RUNTIME})(${scriptJson(data)});\n`;
}
