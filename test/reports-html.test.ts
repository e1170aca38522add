// The HTML report on its own: self-contained, escaped, deterministic, fast; stable ids and data attributes.
import { describe, expect, it } from 'vitest';
import { escapeHtml, MAX_BLOCK_CHARS, renderHtml } from '../reports/html.js';
import { HOSTILE, largeResult, syntheticResult } from './reports-synthetic.js';

/** The tags the renderer writes; anything else in the markup came from the data and was not escaped. */
const OWN_TAGS = new Set(
  'html head meta title style body a div header p small h1 h2 h3 h4 h5 main section ul ol li span dl dt dd code pre table thead tbody tr th td meter form label input fieldset legend button output details summary time strong footer script'.split(' '),
);

/** The markup outside the report's own style and script blocks. */
function markup(html: string): string {
  return html.replace(/<style>[\s\S]*?<\/style>/, '<style></style>').replace(/<script>[\s\S]*?<\/script>/, '<script></script>');
}

/** [name, value] of every attribute of every start tag (values are escaped, so a tag ends at the first >). */
function attributesOf(own: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const tag of own.matchAll(/<[a-zA-Z][a-zA-Z0-9]*([^>]*)>/g)) {
    const rest = tag[1]!.replace(/\/$/, '');
    const re = /\s*([^\s=]+)(?:="([^"]*)")?/y;
    let m: RegExpExecArray | null;
    while (re.lastIndex < rest.trimEnd().length && (m = re.exec(rest))) out.push([m[1]!.toLowerCase(), m[2] ?? '']);
    expect(re.lastIndex, `attributes of ${tag[0].slice(0, 80)}`).toBeGreaterThanOrEqual(rest.trimEnd().length);
  }
  return out;
}

describe('HTML report', () => {
  const result = syntheticResult();
  const html = renderHtml(result);

  it('is one self-contained document: no external assets, a CSP that allows only its own blocks', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html).toMatch(/<meta charset="utf-8">/);
    const attributes = attributesOf(markup(html));
    expect(attributes.filter(([name]) => ['src', 'srcset', 'action', 'formaction', 'poster', 'data'].includes(name))).toEqual([]);
    expect(attributes.filter(([name, value]) => name === 'href' && !value.startsWith('#'))).toEqual([]);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-[^']+'; script-src 'sha256-[^']+'/);
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html.match(/<style>/g)).toHaveLength(1);
  });

  it('escapes everything from the target: only its own tags, one script, no event handlers', () => {
    const own = markup(html);
    const tags = [...own.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]!.toLowerCase());
    expect(tags.filter((t) => !OWN_TAGS.has(t))).toEqual([]);
    expect(own.match(/<script/g)).toHaveLength(1);
    expect(own.match(/<style/g)).toHaveLength(1);
    expect(own).not.toMatch(/<img|<iframe|<svg/i);
    // No event handler attribute on any tag.
    expect(attributesOf(own).filter(([name]) => name.startsWith('on'))).toEqual([]);
    // Every < of the markup starts a tag of ours (the hostile ones are &lt;).
    const stray = [...own.matchAll(/<(?![a-zA-Z/!])/g)];
    expect(stray).toEqual([]);
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;window.__pwned = &quot;script&quot;&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=&quot;window.__pwned=&#39;img&#39;&quot;&gt;');
    expect(html).toContain('&amp;amp; &amp;lt; &amp;#x3C;');
    expect(html).toContain('user[U+202E]gnp.exe');
    expect(html).not.toMatch(/[\u0000\u0007\u001b\u202e]/);
    expect(html).toContain('Ünïcödé ✓ 🚗 日本');
    // A javascript: URL stays text, never a link.
    expect(html).not.toMatch(/href="javascript/i);
  });

  it('has the stable ids and data attributes of the browser test', () => {
    const s = result.summary;
    expect(html).toMatch(/<p id="verdict" class="verdict fail" data-verdict="fail">FAIL/);
    const summary = /<section id="summary"[^>]*>/.exec(html)![0];
    for (const [k, v] of Object.entries({ total: s.total, passed: s.passed, failed: s.failed, errored: s.errored, skipped: s.skipped })) {
      expect(summary).toContain(`data-${k}="${v}"`);
    }
    expect(html).toContain('<details class="check" data-status="failed" data-severity="MUST" id="check-AL-02">');
    expect(html).toContain('<details class="check" data-status="passed" data-severity="MUST" data-waived="true" id="check-AL-05">');
    // Ids are unique: a repeated check id gets a suffix; spaces become underscores; quotes are escaped.
    expect(html).toContain('id="check-AL-01-2"');
    expect(html).toContain('id="check-BE_02_spaced"');
    expect(html).toContain('id="check-BE-&quot;01&quot;"');
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('shows the header facts: tool, target, role, dialect, times, duration, spec and shortened digest, seed', () => {
    expect(html).toContain('<dt>Role</dt><dd>platform</dd>');
    expect(html).toContain('<dt>Dialect</dt><dd>spec</dd>');
    expect(html).toContain('<time datetime="2026-03-01T10:00:00.000Z">2026-03-01 10:00:00 UTC</time>');
    expect(html).toContain('<dt>Duration</dt><dd>7.25 s</dd>');
    expect(html).toContain('<code title="sha256 f3e1f54e71a9c0ffee00112233445566778899aabbccddeeff00112233445566">f3e1f54e71a9…</code>');
    expect(html).toContain('<dt>Seed</dt><dd><span class="mono">424242</span></dd>');
    expect(html).toContain('/opt/apds/spec/openapi.yaml');
    // Per-suite scores in the table: alpha has 4 passed of 7 scored.
    expect(html).toMatch(/Alpha suite<\/a><\/td><td class="num">8<\/td><td class="num">4<\/td><td class="num">2<\/td><td class="num">1<\/td><td class="num">1<\/td><td class="num"><meter[^>]*><\/meter>57\.1 %<\/td>/);
  });

  it('shows the evidence: exchanges both ways, headers, bodies, expected and actual, notes, waivers, truncation', () => {
    const failed = /<details class="check" data-status="failed" data-severity="MUST" id="check-AL-02">[\s\S]*?<\/details>\n/.exec(html)![0];
    expect(failed).toContain('→ outbound (harness to target)');
    expect(failed).toContain('<code class="method">POST</code>');
    expect(failed).toContain('<span class="http s5">500</span>');
    expect(failed).toContain('<h4>Expected and actual</h4>');
    expect(failed).toContain('<summary>Headers (2)</summary>');
    expect(failed).toContain('<h4>Notes</h4>');
    const callback = /id="check-AL-08">[\s\S]*?<\/details>\n/.exec(html)![0];
    expect(callback).toContain('← inbound (target to harness)');
    expect(callback).toMatch(/more characters cut \(report\.json has the whole value\)/);
    expect(callback.length).toBeLessThan(MAX_BLOCK_CHARS + 6000);
    const waived = /id="check-AL-05">[\s\S]*?<\/details>\n/.exec(html)![0];
    expect(waived).toContain('<h4>Waivers</h4>');
    expect(waived).toContain('E04: CountryCode pattern is lower-case');
    expect(waived).toContain('<strong>Waived:</strong> 1 contract defect waived');
    const errored = /id="check-AL-03">[\s\S]*?<\/details>\n/.exec(html)![0];
    expect(errored).toContain('<pre class="message">the check itself failed: TypeError');
    expect(errored).toContain('Error: connect ECONNREFUSED &lt;/script&gt;');
    // JSON bodies are pretty-printed.
    expect(html).toContain('&quot;meta&quot;: {\n    &quot;total&quot;: 1,');
  });

  it('has filters that only the script reveals, labels for every control, and print rules', () => {
    expect(html).toMatch(/<form id="filters" class="filters" hidden/);
    for (const id of ['f-failed', 'f-text']) expect(html).toMatch(new RegExp(`<label[^>]*>(?:<input[^>]*id="${id}"|[^<]*</label><input[^>]*id="${id}")|<label for="${id}">`));
    expect(html).toMatch(/@media print \{[\s\S]*\.filters[\s\S]*display: none[\s\S]*break-inside: avoid[\s\S]*details::details-content/);
    expect(html).toContain("window.addEventListener('beforeprint'");
  });

  it('is byte-identical for the same result, and for a JSON copy of it', () => {
    expect(renderHtml(result)).toBe(html);
    expect(renderHtml(JSON.parse(JSON.stringify(result)))).toBe(html);
  });

  it('escapeHtml escapes the five characters and drops control characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>\u0001`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(escapeHtml(HOSTILE.bidi)).toBe('user[U+202E]gnp.exe');
  });

  it('renders 1,000 checks in under a second', () => {
    const big = largeResult(1000);
    expect(big.summary.total).toBe(1000);
    renderHtml(largeResult(10)); // warm up
    const started = performance.now();
    const out = renderHtml(big);
    const ms = performance.now() - started;
    console.log(`renderHtml: 1,000 checks (2,000 exchanges) in ${ms.toFixed(1)} ms, ${(out.length / 1024 / 1024).toFixed(2)} MiB`);
    expect(out.match(/<details class="check"/g)).toHaveLength(1000);
    expect(ms).toBeLessThan(1000);
  });
});
