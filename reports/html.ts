// The HTML report: one self-contained file (inline CSS and a small inline script, no external assets) for people.
// Everything that came from the target (bodies, headers, URLs, messages) is untrusted: it is HTML-escaped, never put
// into the script or the stylesheet, never made a link, and the page's CSP allows only its own two blocks.
// The output is a pure function of the result (no clock, no locale, no randomness), so it is byte-identical per result.
import type { RunResult, SuiteResult, Summary } from '../harness/model.js';
import { REPORT_CSP, REPORT_CSS, REPORT_SCRIPT } from './html-assets.js';
import { checkItem } from './html-evidence.js';
import { escapeHtml, firstLine, formatDuration, formatInstant, Ids, percent } from './html-text.js';

export { escapeHtml, formatDuration, MAX_BLOCK_CHARS, prettyValue } from './html-text.js';

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
