// The three reports of one run agree: JUnit and HTML show the totals and every check id and status of the JSON.
// Results come from the real runner against the in-process mock (UC1) and from a synthetic result with failures,
// errors, skips, waivers and hostile strings. JUnit is checked with a small strict XML parser (well-formedness).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devCredentials } from '../harness/credentials.js';
import type { CheckStatus, RunResult } from '../harness/model.js';
import { runSuites } from '../harness/runner.js';
import { ResponseValidator } from '../harness/schema-check.js';
import { startMockPlatform, type RunningMockPlatform } from '../mock/server.js';
import { escapeHtml, renderHtml } from '../reports/html.js';
import { REPORT_FORMATS } from '../reports/index.js';
import { renderJson } from '../reports/json.js';
import { renderJunit } from '../reports/junit.js';
import { uc1 } from '../suites/uc1-availability.js';
import { HOSTILE, syntheticResult } from './reports-synthetic.js';

// --- a strict, small XML parser: enough to prove the JUnit file is well-formed and to read it back -------------

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const XML_CHAR = /^[\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]*$/u;

function decodeEntities(text: string, where: string): string {
  return text.replace(/&([^;&<]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) throw new Error(`bare & in ${where}`);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (name in named) return named[name]!;
    const m = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(name);
    if (!m) throw new Error(`unknown entity &${name}; in ${where}`);
    return String.fromCodePoint(m[1] ? parseInt(m[1], 16) : Number(m[2]));
  });
}

function parseXml(xml: string): XmlElement {
  if (!XML_CHAR.test(xml)) throw new Error('a character that XML 1.0 does not allow');
  let i = 0;
  const decl = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(xml);
  if (!decl) throw new Error('no XML declaration');
  i = decl[0].length;
  const doc: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [doc];
  const startTag = /<([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.:-]*="[^"<]*")*)\s*(\/?)>/y;
  const endTag = /<\/([A-Za-z_][\w.-]*)\s*>/y;
  while (i < xml.length) {
    const top = stack[stack.length - 1]!;
    if (xml[i] !== '<') {
      const next = xml.indexOf('<', i);
      const raw = xml.slice(i, next < 0 ? xml.length : next);
      if (top === doc && raw.trim()) throw new Error(`text outside the root: ${raw.slice(0, 40)}`);
      top.text += decodeEntities(raw, top.name);
      i = next < 0 ? xml.length : next;
      continue;
    }
    endTag.lastIndex = i;
    const end = endTag.exec(xml);
    if (end) {
      if (stack.length === 1 || top.name !== end[1]) throw new Error(`</${end[1]}> closes <${top.name}>`);
      stack.pop();
      i = endTag.lastIndex;
      continue;
    }
    startTag.lastIndex = i;
    const start = startTag.exec(xml);
    if (!start) throw new Error(`malformed markup at ${i}: ${xml.slice(i, i + 60)}`);
    const element: XmlElement = { name: start[1]!, attrs: {}, children: [], text: '' };
    for (const a of start[2]!.matchAll(/([A-Za-z_][\w.:-]*)="([^"<]*)"/g)) {
      if (a[1]! in element.attrs) throw new Error(`duplicate attribute ${a[1]} on <${element.name}>`);
      element.attrs[a[1]!] = decodeEntities(a[2]!, `${element.name}@${a[1]}`);
    }
    if (top === doc && doc.children.length) throw new Error('a second root element');
    top.children.push(element);
    if (!start[3]) stack.push(element);
    i = startTag.lastIndex;
  }
  if (stack.length !== 1) throw new Error(`<${stack[stack.length - 1]!.name}> is not closed`);
  if (doc.children.length !== 1) throw new Error('no root element');
  return doc.children[0]!;
}

// --- reading the reports back ----------------------------------------------------------------------------------

interface Seen {
  suite: string;
  id: string;
  status: CheckStatus;
}

function junitChecks(xml: string, result: RunResult): { seen: Seen[]; root: XmlElement } {
  const root = parseXml(xml);
  expect(root.name).toBe('testsuites');
  const seen: Seen[] = [];
  for (const ts of root.children) {
    expect(ts.name).toBe('testsuite');
    const suite = result.suites.find((s) => s.id === ts.attrs.name)!;
    expect(suite, `testsuite ${ts.attrs.name}`).toBeDefined();
    const cases = ts.children.filter((c) => c.name === 'testcase');
    // Each testcase is named "<id> <title> [<severity>]": find its check (ids may repeat across suites, not within).
    const pool = [...suite.checks];
    for (const tc of cases) {
      const k = pool.findIndex((c) => tc.attrs.name === `${c.id} ${c.title} [${c.severity}]`.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, ''));
      expect(k, `testcase ${tc.attrs.name}`).toBeGreaterThanOrEqual(0);
      const check = pool.splice(k, 1)[0]!;
      const kinds = tc.children.map((c) => c.name).filter((n) => n !== 'system-out');
      const status: CheckStatus = kinds.includes('failure') ? 'failed' : kinds.includes('error') ? 'errored' : kinds.includes('skipped') ? 'skipped' : 'passed';
      expect(kinds.length, `one outcome element in ${tc.attrs.name}`).toBeLessThanOrEqual(1);
      seen.push({ suite: suite.id, id: check.id, status });
    }
    const s = result.suiteSummaries[suite.id]!;
    expect({ tests: +ts.attrs.tests!, failures: +ts.attrs.failures!, errors: +ts.attrs.errors!, skipped: +ts.attrs.skipped! }).toEqual({ tests: s.total, failures: s.failed, errors: s.errored, skipped: s.skipped });
    expect(cases).toHaveLength(s.total);
    expect(cases.filter((c) => c.children.some((x) => x.name === 'failure'))).toHaveLength(s.failed);
    expect(cases.filter((c) => c.children.some((x) => x.name === 'error'))).toHaveLength(s.errored);
    expect(cases.filter((c) => c.children.some((x) => x.name === 'skipped'))).toHaveLength(s.skipped);
  }
  const s = result.summary;
  expect({ tests: +root.attrs.tests!, failures: +root.attrs.failures!, errors: +root.attrs.errors!, skipped: +root.attrs.skipped! }).toEqual({ tests: s.total, failures: s.failed, errors: s.errored, skipped: s.skipped });
  return { seen, root };
}

function htmlChecks(html: string, result: RunResult): Seen[] {
  const seen: Seen[] = [];
  const sections = html.split('<section class="suite" ').slice(1);
  expect(sections).toHaveLength(result.suites.length);
  const used = new Set<string>();
  result.suites.forEach((suite, i) => {
    const found = [...sections[i]!.matchAll(/<details class="check" data-status="([a-z]+)" data-severity="[A-Z]+"(?: data-waived="true")? id="([^"]+)">/g)];
    expect(found).toHaveLength(suite.checks.length);
    found.forEach((m, k) => {
      const check = suite.checks[k]!;
      // The element id is check-<id> (escaped, spaces as _), with -2, -3 … when the id repeats.
      let expectedId = `check-${check.id.replace(/\s+/g, '_')}`;
      for (let n = 2; used.has(expectedId); n++) expectedId = `check-${check.id.replace(/\s+/g, '_')}-${n}`;
      used.add(expectedId);
      expect(m[2]).toBe(escapeHtml(expectedId));
      seen.push({ suite: suite.id, id: check.id, status: m[1] as CheckStatus });
    });
  });
  const summary = /<section id="summary"[^>]*>/.exec(html)![0];
  const attr = (k: string) => Number(new RegExp(`data-${k}="(\\d+)"`).exec(summary)![1]);
  const s = result.summary;
  expect({ total: attr('total'), passed: attr('passed'), failed: attr('failed'), errored: attr('errored'), skipped: attr('skipped') }).toEqual({ total: s.total, passed: s.passed, failed: s.failed, errored: s.errored, skipped: s.skipped });
  expect(html).toContain(`<p id="verdict" class="verdict ${s.verdict}" data-verdict="${s.verdict}">${s.verdict.toUpperCase()}`);
  return seen;
}

function jsonChecks(result: RunResult): Seen[] {
  return result.suites.flatMap((s) => s.checks.map((c) => ({ suite: s.id, id: c.id, status: c.status })));
}

const order = (a: Seen, b: Seen) => (a.suite + '\u0000' + a.id < b.suite + '\u0000' + b.id ? -1 : a.suite + '\u0000' + a.id > b.suite + '\u0000' + b.id ? 1 : a.status < b.status ? -1 : 1);

function expectAgreement(result: RunResult): void {
  const json = JSON.parse(renderJson(result)) as RunResult;
  expect(json).toEqual(JSON.parse(JSON.stringify(result)));
  const fromJson = jsonChecks(json);
  const { seen: fromJunit } = junitChecks(renderJunit(result), json);
  const fromHtml = htmlChecks(renderHtml(result), json);
  expect(fromHtml).toEqual(fromJson); // the HTML keeps the run's order
  expect([...fromJunit].sort(order)).toEqual([...fromJson].sort(order)); // JUnit sorts by id within a suite
  const count = (list: Seen[], s: CheckStatus) => list.filter((c) => c.status === s).length;
  for (const status of ['passed', 'failed', 'errored', 'skipped'] as const) {
    expect(count(fromJson, status)).toBe(json.summary[status]);
  }
}

// --- the tests -----------------------------------------------------------------------------------------------------

describe('the reports of a real run (UC1 against the mock)', () => {
  let mock: RunningMockPlatform;
  let result: RunResult;

  beforeAll(async () => {
    mock = await startMockPlatform();
    result = await runSuites({ target: `${mock.url}/v1/parking`, credentials: devCredentials(), suites: [uc1], validator: ResponseValidator.ours(), seed: 7 });
  });
  afterAll(async () => mock?.close());

  it('agree: totals and every check id and status of JUnit and HTML equal the JSON', () => {
    expect(result.summary.total).toBeGreaterThanOrEqual(10);
    expect(result.suites[0]!.checks.every((c) => c.evidence.exchanges.length > 0 || c.id === 'UC1-02')).toBe(true);
    expectAgreement(result);
  });

  it('all three formats are byte-identical when rendered again, also from a JSON copy', () => {
    const copy = JSON.parse(renderJson(result)) as RunResult;
    for (const { render } of Object.values(REPORT_FORMATS)) {
      expect(render(result)).toBe(render(result));
      expect(render(copy)).toBe(render(result));
    }
  });
});

describe('the reports of a synthetic result (failures, errors, skips, waivers, hostile strings)', () => {
  const result = syntheticResult();

  it('agree: totals and every check id and status', () => {
    expect(result.summary).toMatchObject({ failed: 4, errored: 1, skipped: 2, verdict: 'fail' });
    expectAgreement(result);
  });

  it('JSON round-trips to an equal result', () => {
    const text = renderJson(result);
    expect(text.endsWith('}\n')).toBe(true);
    const back = JSON.parse(text) as RunResult;
    expect(back).toEqual(JSON.parse(JSON.stringify(result)));
    expect(renderJson(back)).toBe(text);
    expect(back.suites[1]!.title).toBe(`Beta ${HOSTILE.script}`);
  });

  it('JUnit is well-formed, escapes hostile strings and keeps them readable', () => {
    const xml = renderJunit(result);
    const { root } = junitChecks(xml, result);
    expect(xml).not.toContain('<script');
    expect(xml).not.toContain('<img');
    expect(xml).not.toMatch(/[\u0000\u0007\u001b]/);
    expect(root.attrs.name).toBe(`apds-conformance http://target.example/${HOSTILE.script}`);
    const beta = root.children.find((s) => s.attrs.name === 'beta')!;
    const hostileCase = beta.children.find((c) => c.name === 'testcase' && c.attrs.name!.startsWith('BE-"01"'))!;
    expect(hostileCase.attrs.name).toBe(`BE-"01" ${HOSTILE.img} [MUST]`);
    const failure = hostileCase.children.find((c) => c.name === 'failure')!;
    expect(failure.attrs.message).toBe(`${HOSTILE.url} ${HOSTILE.cdata}`);
    expect(failure.text).toContain(`requirement: ${HOSTILE.attr}`);
    const controlCase = beta.children.find((c) => c.name === 'testcase' && c.attrs.name!.startsWith('BE 02 spaced'))!;
    expect(controlCase.children[0]!.attrs.message).toBe('bell nul esc end');
  });

  it('JUnit output is stable: byte-identical, suites in run order, test cases by id', () => {
    const xml = renderJunit(result);
    expect(renderJunit(syntheticResult())).toBe(xml);
    const root = parseXml(xml);
    expect(root.children.map((s) => s.attrs.name)).toEqual(['alpha', 'beta', 'empty']);
    const ids = root.children[0]!.children.filter((c) => c.name === 'testcase').map((c) => c.attrs.name!.split(' ')[0]!);
    expect(ids).toEqual([...ids].sort());
  });

  it('the XML parser of this test rejects what is not well-formed', () => {
    const head = '<?xml version="1.0" encoding="UTF-8"?>\n';
    for (const bad of ['<a><b></a></b>', '<a x="1" x="2"/>', '<a>&bogus;</a>', '<a>a & b</a>', '<a><script>x</a>', '<a/><b/>', '<a>\u0007</a>', '<a b="<"/>']) {
      expect(() => parseXml(head + bad), bad).toThrow();
    }
    expect(parseXml(`${head}<a b="&lt;&amp;">x &gt; y<c/></a>`)).toMatchObject({ name: 'a', attrs: { b: '<&' }, text: 'x > y' });
  });
});
