import { describe, expect, it } from 'vitest';
import { escapeHtml, html, trustedHtml } from '../../lambdas/domain/html';

describe('html', () => {
  it('escapes every value put into the template', () => {
    const name = `<script>alert("x")</script> & 'co'`;
    expect(html`<p title="${name}">${name}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</p>',
    );
  });

  it('keeps markup made by html or trusted by the code, joins lists and drops absent values', () => {
    const items = ['a<b', 'c'].map((item) => html`<li>${item}</li>`);
    const list = html`<p>${items}</p>`;
    const rest = [undefined, null, false, trustedHtml('<hr>'), 3];
    expect(html`${list}${rest}`.value).toBe('<p><li>a&lt;b</li><li>c</li></p><hr>3');
  });

  it('escapes text on its own', () => {
    expect(escapeHtml('"1" < 2 & 3 > \'0\'')).toBe('&quot;1&quot; &lt; 2 &amp; 3 &gt; &#39;0&#39;');
  });
});
