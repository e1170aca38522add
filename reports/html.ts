// The HTML report: one self-contained file (inline CSS and a small inline script, no external assets) for people.
// Everything that came from the target (bodies, headers, URLs, messages) is untrusted: it is HTML-escaped, never put
// into the script or the stylesheet, never made a link, and the page's CSP allows only its own two blocks.
// The output is a pure function of the result (no clock, no locale, no randomness), so it is byte-identical per result.
import type { CheckResult, CheckStatus, Exchange, RecordedRequest, RecordedResponse, RunResult, SuiteResult, Summary } from '../harness/model.js';
import { REPORT_CSP, REPORT_CSS, REPORT_SCRIPT } from './html-assets.js';

/** Pretty-printed bodies, expected/actual values and long messages are cut here; report.json keeps the whole. */
export const MAX_BLOCK_CHARS = 16_000;
const MAX_HEADER_CHARS = 2_000;
const MAX_SUMMARY_MESSAGE_CHARS = 240;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const NEEDS_ESCAPE = /[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069\ufffe\uffff]/;
const TO_ESCAPE = /[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069\ufffe\uffff]/g;
const BIDI = /[\u202a-\u202e\u2066-\u2069]/;

/**
 * Escapes text for HTML element content and quoted attribute values. Drops control characters (other than tab and
 * newlines) and shows bidirectional overrides as [U+202E] so a target cannot make text read differently than it is.
 */
export function escapeHtml(value: unknown): string {
  const text = String(value);
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(TO_ESCAPE, (c) => ESCAPES[c] ?? (BIDI.test(c) ? `[U+${c.charCodeAt(0).toString(16).toUpperCase()}]` : ''));
}

const STATUS_LABEL: Record<CheckStatus, string> = { passed: 'Passed', failed: 'Failed', errored: 'Errored', skipped: 'Skipped' };

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n… ${text.length - max} more characters cut (report.json has the whole value)`;
}

/** A value as readable text: JSON pretty-printed (also JSON inside strings), other strings as they are. */
export function prettyValue(value: unknown): string {
  if (typeof value === 'string') {
    const t = value.trim();
    if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
      try {
        return JSON.stringify(JSON.parse(t), null, 2);
      } catch {
        return value;
      }
    }
    return value;
  }
  try {
    const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
    return text ?? String(value);
  } catch {
    return String(value);
  }
}

function block(value: unknown, cls = ''): string {
  return `<pre${cls ? ` class="${cls}"` : ''}>${escapeHtml(truncate(prettyValue(value), MAX_BLOCK_CHARS))}</pre>`;
}

/** 2026-01-02 10:11:12 UTC, independent of the machine's time zone and locale. */
function formatInstant(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return escapeHtml(iso);
  const text = new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
  return `<time datetime="${escapeHtml(iso)}">${text}</time>`;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`;
}

/** The score as a percentage of the scored checks, or n/a when nothing was scored (all skipped). */
function percent(s: Summary): string {
  const scored = s.total - s.skipped;
  return scored > 0 ? `${(s.score * 100).toFixed(1)} %` : 'n/a';
}

function firstLine(text: string, max: number): string {
  const line = text.split('\n', 1)[0]!;
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** HTML ids are unique per page: a second check with the same id gets a -2, -3 … suffix. */
class Ids {
  readonly #used = new Set<string>();
  take(base: string): string {
    const clean = base.replace(/\s+/g, '_') || 'x';
    let id = clean;
    for (let n = 2; this.#used.has(id); n++) id = `${clean}-${n}`;
    this.#used.add(id);
    return id;
  }
}

function headerTable(headers: Record<string, string> | undefined): string {
  const entries = Object.entries(headers ?? {});
  if (entries.length === 0) return '<p class="nobody">No headers recorded.</p>';
  const rows = entries.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(truncate(String(v), MAX_HEADER_CHARS))}</td></tr>`).join('');
  return `<details class="hdrs"><summary>Headers (${entries.length})</summary><table class="headers"><tbody>${rows}</tbody></table></details>`;
}

function bodyBlock(body: unknown): string {
  return body === undefined || body === '' ? '<p class="nobody">No body.</p>' : block(body);
}

function requestPart(request: RecordedRequest): string {
  return `<div class="req"><h5>Request</h5>${headerTable(request.headers)}${bodyBlock(request.body)}</div>`;
}

function responsePart(response: RecordedResponse | undefined, error: string | undefined): string {
  if (!response) return `<div class="res"><h5>Response</h5><p class="nobody">No response${error ? ' (see the error above)' : ''}.</p></div>`;
  return `<div class="res"><h5>Response</h5>${headerTable(response.headers)}${bodyBlock(response.body)}</div>`;
}

function exchangeItem(x: Exchange): string {
  const status = x.response ? x.response.status : undefined;
  const statusClass = status === undefined ? 'none' : `s${String(status)[0]}`;
  const direction = x.direction === 'inbound' ? '← inbound (target to harness)' : '→ outbound (harness to target)';
  return [
    '<li class="exchange">',
    '<div class="xline">',
    `<span class="dir">${direction}</span>`,
    x.label ? `<span class="label">${escapeHtml(x.label)}</span>` : '',
    `<code class="method">${escapeHtml(x.request.method)}</code>`,
    `<code class="url">${escapeHtml(truncate(x.request.url, MAX_HEADER_CHARS))}</code>`,
    `<span class="http ${statusClass}">${status === undefined ? 'no answer' : escapeHtml(status)}</span>`,
    x.response ? `<span class="dur">${escapeHtml(formatDuration(x.response.durationMs))}</span>` : '',
    '</div>',
    x.error ? `<p class="xerror">Error: ${escapeHtml(truncate(x.error, MAX_HEADER_CHARS))}</p>` : '',
    `<div class="xparts">${requestPart(x.request)}${responsePart(x.response, x.error)}</div>`,
    '</li>',
  ].join('');
}

function evidence(check: CheckResult, anchor: string): string {
  const parts: string[] = ['<div class="evidence">'];
  const message = check.message ?? '';
  if (message && (message.includes('\n') || message.length > MAX_SUMMARY_MESSAGE_CHARS)) {
    parts.push('<h4>Message</h4>', block(message, check.status === 'passed' ? '' : 'message'));
  }
  parts.push(
    '<dl class="facts">',
    `<dt>Requirement</dt><dd>${escapeHtml(check.requirement)}</dd>`,
    `<dt>Severity</dt><dd>${escapeHtml(check.severity)}</dd>`,
    `<dt>Status</dt><dd>${STATUS_LABEL[check.status] ?? escapeHtml(check.status)}</dd>`,
    `<dt>Duration</dt><dd>${escapeHtml(formatDuration(check.durationMs))}</dd>`,
    '</dl>',
  );
  if (check.waived) parts.push(`<p class="waiver"><strong>Waived:</strong> ${escapeHtml(check.waived)} (known defects of the contract, listed below); the status above judges the rest.</p>`);
  const ev = check.evidence ?? { exchanges: [] };
  if (ev.expected !== undefined || ev.actual !== undefined) {
    parts.push(
      '<h4>Expected and actual</h4><div class="cmp">',
      `<div><h5>Expected</h5>${ev.expected === undefined ? '<p class="nobody">Not recorded.</p>' : block(ev.expected)}</div>`,
      `<div><h5>Actual</h5>${ev.actual === undefined ? '<p class="nobody">Not recorded.</p>' : block(ev.actual)}</div>`,
      '</div>',
    );
  }
  const notes = ev.notes ?? [];
  const waivers = notes.filter((n) => n.startsWith('waived: ')).map((n) => n.slice('waived: '.length));
  const plain = notes.filter((n) => !n.startsWith('waived: '));
  if (plain.length) parts.push('<h4>Notes</h4><ul class="notes">', ...plain.map((n) => `<li>${escapeHtml(truncate(n, MAX_BLOCK_CHARS))}</li>`), '</ul>');
  if (waivers.length) parts.push('<h4>Waivers</h4><ul class="waivers">', ...waivers.map((n) => `<li>${escapeHtml(truncate(n, MAX_BLOCK_CHARS))}</li>`), '</ul>');
  const exchanges = ev.exchanges ?? [];
  parts.push(`<h4>Exchanges (${exchanges.length})</h4>`);
  if (exchanges.length) parts.push('<ol class="exchanges">', ...exchanges.map(exchangeItem), '</ol>');
  else parts.push('<p class="nobody">No exchanges recorded.</p>');
  parts.push(`<p class="permalink"><a href="#${escapeHtml(anchor)}">Link to this check</a></p>`, '</div>');
  return parts.join('');
}

function checkItem(check: CheckResult, ids: Ids): string {
  const id = ids.take(`check-${check.id}`);
  const message = check.message ? firstLine(check.message, MAX_SUMMARY_MESSAGE_CHARS) : '';
  const label = STATUS_LABEL[check.status] ?? escapeHtml(check.status);
  return [
    `<details class="check" data-status="${escapeHtml(check.status)}" data-severity="${escapeHtml(check.severity)}"${check.waived ? ' data-waived="true"' : ''} id="${escapeHtml(id)}">`,
    '<summary>',
    '<span class="twisty" aria-hidden="true">▶</span>',
    `<span class="pill ${escapeHtml(check.status)}">${label}</span>`,
    `<span class="cid">${escapeHtml(check.id)}</span>`,
    `<h3 class="title">${escapeHtml(check.title)}</h3>`,
    `<span class="badges"><span class="sev ${escapeHtml(check.severity)}" title="severity">${escapeHtml(check.severity)}</span>${check.waived ? '<span class="waived-badge">WAIVED</span>' : ''}</span>`,
    `<span class="sub">${escapeHtml(check.requirement)}</span>`,
    message ? `<span class="msg">${escapeHtml(message)}</span>` : '',
    '</summary>',
    evidence(check, id),
    '</details>',
  ].join('');
}

function counts(s: Summary): string {
  return `${s.passed} passed, ${s.failed} failed, ${s.errored} errored, ${s.skipped} skipped of ${s.total} · score ${percent(s)}`;
}

function suiteSection(suite: SuiteResult, summary: Summary, ids: Ids, suiteId: string): string {
  const verdict = summary.verdict === 'pass' ? 'pass' : 'fail';
  return [
    `<section class="suite" id="${escapeHtml(suiteId)}" aria-labelledby="${escapeHtml(suiteId)}-h" data-verdict="${verdict}">`,
    `<h2 id="${escapeHtml(suiteId)}-h">${escapeHtml(suite.title)} <span class="sid">${escapeHtml(suite.id)}</span></h2>`,
    suite.description ? `<p class="desc">${escapeHtml(suite.description)}</p>` : '',
    `<p class="counts">${escapeHtml(counts(summary))} · ${escapeHtml(formatDuration(suite.durationMs))}</p>`,
    suite.checks.length ? `<div class="checks">${suite.checks.map((c) => checkItem(c, ids)).join('\n')}</div>` : '<p class="nobody">This suite reported no checks.</p>',
    '<p class="none-shown" hidden>No check of this suite matches the filter.</p>',
    '</section>',
  ].join('\n');
}

function suitesTable(result: RunResult, summaries: Summary[], anchors: string[]): string {
  const num = (n: number) => `<td class="num${n === 0 ? ' zero' : ''}">${n}</td>`;
  const rows = result.suites.map((suite, i) => {
    const s = summaries[i]!;
    const scored = s.total - s.skipped;
    return [
      '<tr>',
      `<td><a href="#${escapeHtml(anchors[i]!)}">${escapeHtml(suite.title)}</a></td>`,
      `<td class="num">${s.total}</td>`,
      num(s.passed),
      num(s.failed),
      num(s.errored),
      num(s.skipped),
      `<td class="num">${scored > 0 ? `<meter min="0" max="1" low="0.5" high="0.99" optimum="1" value="${s.score.toFixed(4)}" aria-label="score of ${escapeHtml(suite.id)}"></meter>` : ''}${percent(s)}</td>`,
      `<td>${s.verdict === 'pass' ? 'pass' : `<strong>fail</strong> (${s.mustFailures} MUST)`}</td>`,
      '</tr>',
    ].join('');
  });
  return [
    '<section aria-labelledby="suites-h">',
    '<h2 id="suites-h">Suites</h2>',
    '<table class="suites"><thead><tr><th scope="col">Suite</th><th scope="col" class="num">Checks</th><th scope="col" class="num">Passed</th><th scope="col" class="num">Failed</th><th scope="col" class="num">Errored</th><th scope="col" class="num">Skipped</th><th scope="col" class="num">Score</th><th scope="col">Verdict</th></tr></thead>',
    `<tbody>${rows.join('\n')}</tbody></table>`,
    '</section>',
  ].join('\n');
}

function filterBar(total: number): string {
  return [
    '<form id="filters" class="filters" hidden aria-label="Filter the checks">',
    '<label><input type="checkbox" id="f-failed"> Failed and errored only</label>',
    '<fieldset><legend>Severity</legend>',
    ...['MUST', 'SHOULD', 'INFO'].map((s) => `<label><input type="checkbox" name="severity" value="${s}" checked> ${s}</label>`),
    '</fieldset>',
    '<label for="f-text">Search</label><input type="search" id="f-text" placeholder="id, title, message">',
    '<button type="button" id="f-expand">Expand all</button><button type="button" id="f-collapse">Collapse all</button>',
    `<output id="f-count" class="count" aria-live="polite">${total} of ${total} shown</output>`,
    '</form>',
  ].join('\n');
}

export function renderHtml(result: RunResult): string {
  const s = result.summary;
  const verdict = s.verdict === 'pass' ? 'PASS' : 'FAIL';
  const ids = new Ids();
  const suiteAnchors = result.suites.map((suite) => ids.take(`suite-${suite.id}`));
  const summaries = result.suites.map((suite) => result.suiteSummaries?.[suite.id] ?? s);
  const digest = result.spec?.digest ?? '';
  const shortDigest = digest.length > 12 ? `${digest.slice(0, 12)}…` : digest;
  const why =
    s.verdict === 'pass'
      ? 'No check of severity MUST failed or errored.'
      : `${s.mustFailures} check${s.mustFailures === 1 ? '' : 's'} of severity MUST failed or errored.`;

  const meta: Array<[string, string]> = [
    ['Tool', `${escapeHtml(result.tool?.name ?? '')} ${escapeHtml(result.tool?.version ?? '')}`],
    ['Target', `<span class="mono">${escapeHtml(result.target)}</span>`],
    ['Role', escapeHtml(result.role)],
    ['Dialect', escapeHtml(result.dialect)],
    ['Started', formatInstant(result.startedAt)],
    ['Finished', formatInstant(result.finishedAt)],
    ['Duration', escapeHtml(formatDuration(result.durationMs))],
    ['Seed', `<span class="mono">${escapeHtml(result.seed)}</span>`],
    ['Spec', `<span class="mono">${escapeHtml(result.spec?.source ?? '')}</span>`],
    ['Spec digest', `<code title="sha256 ${escapeHtml(digest)}">${escapeHtml(shortDigest)}</code>`],
  ];

  const html = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`,
    '<meta name="referrer" content="no-referrer">',
    `<meta name="generator" content="${escapeHtml(result.tool?.name ?? 'apds-conformance')} ${escapeHtml(result.tool?.version ?? '')}">`,
    `<title>${verdict} · conformance report · ${escapeHtml(firstLine(result.target, 120))}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    '<a class="skip" href="#checks-start">Skip to the checks</a>',
    '<div class="page">',
    '<header class="report-header">',
    `<p id="verdict" class="verdict ${s.verdict === 'pass' ? 'pass' : 'fail'}" data-verdict="${s.verdict === 'pass' ? 'pass' : 'fail'}">${verdict}<small>score ${percent(s)}</small></p>`,
    '<div class="headline">',
    `<h1>Conformance report</h1>`,
    `<p class="target">${escapeHtml(result.target)}</p>`,
    `<p class="why">${escapeHtml(why)}</p>`,
    '</div>',
    '</header>',
    '<main>',
    `<section id="summary" aria-labelledby="summary-h" data-total="${s.total}" data-passed="${s.passed}" data-failed="${s.failed}" data-errored="${s.errored}" data-skipped="${s.skipped}" data-must-failures="${s.mustFailures}" data-score="${s.score.toFixed(4)}">`,
    '<h2 id="summary-h">Summary</h2>',
    '<ul class="tiles">',
    `<li class="tile total"><span class="n">${s.total}</span><span class="l">checks</span></li>`,
    `<li class="tile passed"><span class="n">${s.passed}</span><span class="l">passed</span></li>`,
    `<li class="tile failed"><span class="n">${s.failed}</span><span class="l">failed</span></li>`,
    `<li class="tile errored"><span class="n">${s.errored}</span><span class="l">errored</span></li>`,
    `<li class="tile skipped"><span class="n">${s.skipped}</span><span class="l">skipped</span></li>`,
    `<li class="tile score"><span class="n">${percent(s)}</span><span class="l" title="passed of the checks not skipped">score</span></li>`,
    '</ul>',
    `<dl class="meta">${meta.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`,
    '</section>',
    suitesTable(result, summaries, suiteAnchors),
    '<div id="checks-start"></div>',
    filterBar(s.total),
    ...result.suites.map((suite, i) => suiteSection(suite, summaries[i]!, ids, suiteAnchors[i]!)),
    '</main>',
    `<footer>Generated by ${escapeHtml(result.tool?.name ?? 'apds-conformance')} ${escapeHtml(result.tool?.version ?? '')} · result schema v${escapeHtml(result.schemaVersion)} · the full evidence is in report.json.</footer>`,
    '</div>',
    `<script>${REPORT_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ];
  return html.join('\n');
}
