// The HTML report (placeholder until the full renderer lands): one self-contained file.
import type { RunResult } from '../harness/model.js';
import { escapeXml } from './junit.js';

export function renderHtml(result: RunResult): string {
  const rows = result.suites
    .flatMap((s) => s.checks.map((c) => `<tr class="${c.status}"><td>${escapeXml(c.id)}</td><td>${escapeXml(c.title)}</td><td>${c.severity}</td><td>${c.status}</td><td>${escapeXml(c.message ?? '')}</td></tr>`))
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>apds-conformance report</title></head><body>
<h1>Conformance report: ${escapeXml(result.target)}</h1>
<p id="summary">${result.summary.passed} passed, ${result.summary.failed} failed, ${result.summary.errored} errored, ${result.summary.skipped} skipped</p>
<table>${rows}</table></body></html>
`;
}
