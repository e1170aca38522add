// The HTML report's static parts: its stylesheet and its small filter script. Neither contains anything from a run,
// so the page's Content-Security-Policy can allow exactly these two blocks by hash and nothing else: even if some
// target-supplied text escaped the escaping, the browser would not run it.
import { createHash } from 'node:crypto';

export const REPORT_CSS = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa; --code-bg: #f6f8fa;
  --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #cf222e; --fail-bg: #ffebe9; --err: #9a6700; --err-bg: #fff8c5;
  --skip: #59636e; --skip-bg: #eaeef2; --accent: #0969da; --focus: #0969da;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #151b23; --code-bg: #151b23;
    --pass: #3fb950; --pass-bg: #12261e; --fail: #f85149; --fail-bg: #2d1214; --err: #d29922; --err-bg: #272115;
    --skip: #9198a1; --skip-bg: #212830; --accent: #4493f8; --focus: #4493f8;
  }
}
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.page { max-width: 1180px; margin: 0 auto; padding: 24px 24px 64px; }
a { color: var(--accent); }
a:focus-visible, summary:focus-visible, button:focus-visible, input:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; }
code, pre, .mono { font-family: var(--mono); font-size: 13px; }
h1, h2, h3, h4, h5 { line-height: 1.25; }
h1 { font-size: 26px; margin: 0; }
h2 { font-size: 20px; margin: 32px 0 12px; }
h4 { font-size: 14px; margin: 16px 0 6px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
h5 { font-size: 13px; margin: 8px 0 4px; color: var(--muted); }
.skip { position: absolute; left: -9999px; top: 8px; background: var(--bg); padding: 6px 10px; border: 1px solid var(--line); }
.skip:focus { left: 8px; z-index: 10; }

/* Header: the verdict, the numbers, the run's facts. */
.report-header { display: grid; grid-template-columns: auto 1fr; gap: 8px 24px; align-items: center; padding-bottom: 20px; border-bottom: 1px solid var(--line); }
.verdict { margin: 0; font: 800 34px/1 system-ui, sans-serif; letter-spacing: .06em; padding: 16px 22px; border-radius: 10px; color: #fff; text-align: center; min-width: 140px; }
.verdict.pass { background: #1a7f37; }
.verdict.fail { background: #cf222e; }
.verdict small { display: block; font-size: 12px; font-weight: 600; letter-spacing: .02em; margin-top: 6px; opacity: .95; }
.headline .target { margin: 4px 0 0; font-family: var(--mono); font-size: 14px; color: var(--muted); overflow-wrap: anywhere; }
.headline .why { margin: 6px 0 0; }
#summary { margin: 20px 0 0; }
.tiles { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fit, minmax(120px, 1fr)); gap: 10px; }
.tile { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; background: var(--panel); }
.tile .n { display: block; font-size: 26px; font-weight: 700; line-height: 1.1; font-variant-numeric: tabular-nums; }
.tile .l { font-size: 13px; color: var(--muted); }
.tile.passed .n { color: var(--pass); } .tile.failed .n { color: var(--fail); } .tile.errored .n { color: var(--err); } .tile.skipped .n { color: var(--skip); }
.meta { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 4px 16px; margin: 18px 0 0; font-size: 14px; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; overflow-wrap: anywhere; }

/* Suites table. */
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.zero { color: var(--muted); }
meter { width: 90px; height: 10px; vertical-align: middle; margin-right: 8px; }

/* Filters. */
.filters { position: sticky; top: 0; z-index: 5; background: var(--bg); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; margin: 28px 0 8px; display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: center; box-shadow: 0 2px 6px rgba(0,0,0,.06); }
.filters fieldset { border: 0; margin: 0; padding: 0; display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
.filters legend { float: left; font-weight: 600; margin-right: 2px; padding: 0; font-size: 14px; }
.filters label { font-size: 14px; cursor: pointer; white-space: nowrap; }
.filters input[type=search] { font: inherit; font-size: 14px; padding: 4px 8px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); width: 11em; }
.filters button { font: inherit; font-size: 13px; padding: 4px 10px; border: 1px solid var(--line); border-radius: 6px; background: var(--panel); color: var(--fg); cursor: pointer; }
.filters .count { margin-left: auto; color: var(--muted); font-size: 13px; }

/* Suites and checks. */
.suite { margin-top: 28px; scroll-margin-top: 70px; }
details.check { scroll-margin-top: 70px; }
.suite > h2 { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 12px; margin-bottom: 4px; }
.suite > h2 .sid { font-family: var(--mono); font-size: 13px; color: var(--muted); font-weight: 400; }
.suite .desc { margin: 0 0 4px; color: var(--muted); }
.suite .counts { margin: 0 0 10px; font-size: 13px; }
.none-shown { color: var(--muted); font-style: italic; }
.checks { border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
details.check { border-top: 1px solid var(--line); border-left: 4px solid var(--skip); }
details.check:first-child { border-top: 0; }
details.check[data-status=passed] { border-left-color: var(--pass); }
details.check[data-status=failed] { border-left-color: var(--fail); }
details.check[data-status=errored] { border-left-color: var(--err); }
details.check > summary { list-style: none; cursor: pointer; display: grid; grid-template-columns: 16px 78px max-content 1fr max-content; gap: 2px 10px; align-items: baseline; padding: 8px 12px; }
details.check > summary::-webkit-details-marker { display: none; }
details.check > summary:hover { background: var(--panel); }
details.check[open] > summary { background: var(--panel); border-bottom: 1px solid var(--line); }
.twisty { color: var(--muted); display: inline-block; transition: transform .1s; font-size: 11px; }
details[open] > summary .twisty { transform: rotate(90deg); }
.pill { display: inline-block; font-size: 11px; font-weight: 700; letter-spacing: .05em; text-transform: uppercase; border-radius: 999px; padding: 2px 8px; text-align: center; color: #fff; }
.pill.passed { background: #1a7f37; } .pill.failed { background: #cf222e; } .pill.errored { background: #9a6700; } .pill.skipped { background: #6e7781; }
.cid { font-family: var(--mono); font-size: 13px; font-weight: 600; white-space: nowrap; }
summary .title { font-size: 15px; font-weight: 600; margin: 0; display: inline; }
.badges { white-space: nowrap; }
.sev, .waived-badge { display: inline-block; font-size: 11px; font-weight: 700; letter-spacing: .04em; border: 1px solid currentColor; border-radius: 4px; padding: 0 5px; margin-left: 4px; }
.sev.MUST { color: var(--fg); } .sev.SHOULD { color: var(--muted); } .sev.INFO { color: var(--accent); }
.waived-badge { color: var(--err); }
summary .sub { grid-column: 3 / -1; font-size: 13px; color: var(--muted); overflow-wrap: anywhere; }
summary .msg { grid-column: 3 / -1; font-size: 13px; overflow-wrap: anywhere; white-space: pre-wrap; }
details.check[data-status=failed] summary .msg { color: var(--fail); }
details.check[data-status=errored] summary .msg { color: var(--err); }
.evidence { padding: 4px 16px 16px 30px; }
.evidence > :first-child { margin-top: 8px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0; font-size: 14px; }
.facts dt { color: var(--muted); } .facts dd { margin: 0; overflow-wrap: anywhere; }
pre { background: var(--code-bg); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; margin: 4px 0; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 420px; overflow: auto; }
pre.message { border-left: 3px solid var(--fail); }
.waiver { background: var(--err-bg); border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; }
.cmp { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.cmp > div { min-width: 0; }
.exchanges { list-style: none; margin: 0; padding: 0; }
.exchange { border: 1px solid var(--line); border-radius: 8px; margin: 8px 0; padding: 8px 10px; }
.xline { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: baseline; font-size: 14px; }
.xline .dir { font-size: 12px; color: var(--muted); white-space: nowrap; }
.xline .label { font-weight: 600; }
.xline .method { font-weight: 700; }
.xline .url { overflow-wrap: anywhere; flex: 1 1 300px; }
.http { font-family: var(--mono); font-size: 12px; font-weight: 700; border-radius: 4px; padding: 1px 6px; }
.http.s2, .http.s3 { background: var(--pass-bg); color: var(--pass); }
.http.s4 { background: var(--fail-bg); color: var(--fail); }
.http.s5, .http.none { background: var(--err-bg); color: var(--err); }
.xline .dur { color: var(--muted); font-size: 12px; }
.xparts { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.xparts > div { min-width: 0; }
.xerror { color: var(--fail); margin: 6px 0 0; }
details.hdrs > summary { cursor: pointer; font-size: 13px; color: var(--muted); }
table.headers { font-size: 12px; font-family: var(--mono); }
table.headers th { font-weight: 600; white-space: nowrap; text-transform: none; letter-spacing: 0; color: var(--fg); width: 1%; }
table.headers td { overflow-wrap: anywhere; }
.nobody { color: var(--muted); font-style: italic; font-size: 13px; margin: 4px 0; }
.permalink { font-size: 12px; }
footer { margin-top: 40px; color: var(--muted); font-size: 13px; border-top: 1px solid var(--line); padding-top: 10px; }

@media (max-width: 760px) {
  .report-header { grid-template-columns: 1fr; }
  .meta { grid-template-columns: max-content 1fr; }
  .cmp, .xparts { grid-template-columns: 1fr; }
  details.check > summary { grid-template-columns: 16px 70px 1fr; }
  details.check > summary .title, details.check > summary .badges { grid-column: 3 / -1; }
}

@media print {
  :root { --bg: #fff; --fg: #000; --muted: #444; --panel: #fff; --code-bg: #fafafa; }
  body { font-size: 11pt; }
  .page { max-width: none; padding: 0; }
  .filters, .skip, .permalink { display: none !important; }
  .twisty { visibility: hidden; }
  details.check { break-inside: avoid; page-break-inside: avoid; }
  details > summary { break-after: avoid; }
  details.hdrs > summary { list-style: none; }
  details.hdrs > summary::-webkit-details-marker { display: none; }
  details::details-content { content-visibility: visible; display: block; }
  details:not([open]) > :not(summary) { display: block; }
  pre { max-height: none; overflow: visible; }
  .suite > h2 { break-after: avoid; }
  .verdict, .pill { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
`;

/** Shows the filter bar, filters checks (failed only, severity, text), expand/collapse, opens everything to print. */
export const REPORT_SCRIPT = `
(function () {
  'use strict';
  var d = document;
  var bar = d.getElementById('filters');
  if (!bar) return;
  bar.hidden = false;
  var checks = Array.prototype.slice.call(d.querySelectorAll('details.check'));
  var texts = checks.map(function (c) { var s = c.querySelector('summary'); return (s ? s.textContent : '').toLowerCase(); });
  var suites = Array.prototype.slice.call(d.querySelectorAll('section.suite'));
  var failedOnly = d.getElementById('f-failed');
  var search = d.getElementById('f-text');
  var count = d.getElementById('f-count');
  var severities = Array.prototype.slice.call(bar.querySelectorAll('input[name=severity]'));
  function apply() {
    var allowed = {};
    severities.forEach(function (i) { allowed[i.value] = i.checked; });
    var q = search.value.trim().toLowerCase();
    var shown = 0;
    checks.forEach(function (c, n) {
      var st = c.getAttribute('data-status');
      var ok = (!failedOnly.checked || st === 'failed' || st === 'errored') &&
        allowed[c.getAttribute('data-severity')] !== false &&
        (!q || texts[n].indexOf(q) >= 0);
      c.hidden = !ok;
      if (ok) shown++;
    });
    suites.forEach(function (s) {
      var none = s.querySelector('.none-shown');
      if (none) none.hidden = !!s.querySelector('details.check:not([hidden])');
    });
    count.textContent = shown + ' of ' + checks.length + ' shown';
  }
  bar.addEventListener('input', apply);
  bar.addEventListener('change', apply);
  bar.addEventListener('submit', function (e) { e.preventDefault(); });
  d.getElementById('f-expand').addEventListener('click', function () { checks.forEach(function (c) { if (!c.hidden) c.open = true; }); });
  d.getElementById('f-collapse').addEventListener('click', function () { checks.forEach(function (c) { c.open = false; }); });
  var closedBeforePrint = [];
  window.addEventListener('beforeprint', function () {
    closedBeforePrint = Array.prototype.slice.call(d.querySelectorAll('details:not([open])'));
    closedBeforePrint.forEach(function (x) { x.open = true; });
  });
  window.addEventListener('afterprint', function () {
    closedBeforePrint.forEach(function (x) { x.open = false; });
    closedBeforePrint = [];
  });
  function openFromHash() {
    var id = '';
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }
    var el = id ? d.getElementById(id) : null;
    if (el && el.tagName === 'DETAILS') { el.hidden = false; el.open = true; el.scrollIntoView(); }
  }
  window.addEventListener('hashchange', openFromHash);
  apply();
  openFromHash();
})();
`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** Allows this page's own style and script blocks and nothing else (no network, no other script, no forms). */
export const REPORT_CSP = [
  "default-src 'none'",
  `style-src ${sha256(REPORT_CSS)}`,
  `script-src ${sha256(REPORT_SCRIPT)}`,
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
