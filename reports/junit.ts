// The JUnit XML report: testsuites/testsuite/testcase with failure, error and skipped, in a stable order
// (suite order of the run, checks by id with a plain byte compare) so CI diffs show only real changes.
import type { CheckResult, RunResult } from '../harness/model.js';

export function escapeXml(value: string): string {
  return value
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function element(name: string, attributes: Record<string, string | number>, children?: string[] | string): string {
  const attrs = Object.entries(attributes).map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`).join('');
  if (children === undefined || children.length === 0) return `<${name}${attrs}/>`;
  const inner = Array.isArray(children) ? `\n${children.map((c) => indent(c)).join('\n')}\n` : escapeXml(children);
  return `<${name}${attrs}>${inner}</${name}>`;
}

const indent = (text: string) => text.split('\n').map((l) => `  ${l}`).join('\n');
const seconds = (ms: number) => (ms / 1000).toFixed(3);
const byteOrder = (a: CheckResult, b: CheckResult) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function detail(check: CheckResult): string {
  const lines = [check.message ?? ''];
  if (check.evidence.expected !== undefined) lines.push(`expected: ${JSON.stringify(check.evidence.expected)}`);
  if (check.evidence.actual !== undefined) lines.push(`actual: ${JSON.stringify(check.evidence.actual)}`);
  for (const x of check.evidence.exchanges) {
    lines.push(`${x.direction === 'inbound' ? '<-' : '->'} ${x.request.method} ${x.request.url}${x.response ? ` => ${x.response.status}` : x.error ? ` => ${x.error}` : ''}`);
  }
  lines.push(`requirement: ${check.requirement}`);
  return lines.filter(Boolean).join('\n');
}

function testcase(suite: string, check: CheckResult): string {
  const attrs = { classname: `apds-conformance.${suite}`, name: `${check.id} ${check.title} [${check.severity}]`, time: seconds(check.durationMs) };
  switch (check.status) {
    case 'passed':
      return element('testcase', attrs, check.waived ? [element('system-out', {}, `${check.waived}\n${(check.evidence.notes ?? []).join('\n')}`)] : undefined);
    case 'skipped':
      return element('testcase', attrs, [element('skipped', { message: check.message ?? 'skipped' })]);
    case 'failed':
      return element('testcase', attrs, [element('failure', { message: check.message ?? 'failed', type: check.severity }, detail(check))]);
    case 'errored':
      return element('testcase', attrs, [element('error', { message: check.message ?? 'error', type: 'harness' }, detail(check))]);
  }
}

export function renderJunit(result: RunResult): string {
  const suites = result.suites.map((suite) => {
    const s = result.suiteSummaries[suite.id]!;
    return element(
      'testsuite',
      { name: suite.id, tests: s.total, failures: s.failed, errors: s.errored, skipped: s.skipped, time: seconds(suite.durationMs), timestamp: result.startedAt },
      [element('properties', {}, [element('property', { name: 'title', value: suite.title })]), ...[...suite.checks].sort(byteOrder).map((c) => testcase(suite.id, c))],
    );
  });
  const root = element(
    'testsuites',
    { name: `apds-conformance ${result.target}`, tests: result.summary.total, failures: result.summary.failed, errors: result.summary.errored, skipped: result.summary.skipped, time: seconds(result.durationMs) },
    suites,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root}\n`;
}
