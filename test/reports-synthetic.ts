// Synthetic run results for the report tests: every status, waivers, evidence of all kinds, hostile strings
// (as a malicious target could answer them), and a generator of large results for the timing test.
import { freeze, RESULT_SCHEMA_VERSION, summarise, type CheckResult, type Exchange, type RunResult, type SuiteResult } from '../harness/model.js';

/** What a hostile target can put into bodies, headers, messages and ids. */
export const HOSTILE = {
  script: '</script><script>window.__pwned = "script"</script>',
  img: '"><img src=x onerror="window.__pwned=\'img\'">',
  attr: `' onmouseover='window.__pwned="attr"' x='`,
  style: '</style><style>body{display:none}</style>',
  cdata: ']]><!-- --><![CDATA[x]]>',
  entity: '&amp; &lt; &#x3C; &#60;script&#62; &bogus;',
  bidi: 'user\u202Egnp.exe',
  control: 'bell\u0007 nul\u0000 esc\u001b end',
  url: 'javascript:window.__pwned="url"',
  unicode: 'Ünïcödé ✓ 🚗 日本',
};

export const HOSTILE_TEXT = Object.values(HOSTILE).join(' | ');

function exchange(overrides: Partial<Exchange> = {}): Exchange {
  return {
    direction: 'outbound',
    request: { method: 'GET', url: 'http://target.example/v1/parking/places?latitude=53.48&longitude=-2.24&radius=1000', headers: { accept: 'application/json', authorization: 'Bearer eyJhbGciOi…(redacted)' } },
    response: { status: 200, headers: { 'content-type': 'application/json' }, body: { meta: { total: 1, offset: 0 }, data: [{ id: 'QP_GB_G7HRF7Y' }] }, durationMs: 12 },
    ...overrides,
  };
}

export function check(overrides: Partial<CheckResult> & Pick<CheckResult, 'id'>): CheckResult {
  return {
    title: `check ${overrides.id}`,
    requirement: 'seed 000 UC1.1',
    severity: 'MUST',
    status: 'passed',
    durationMs: 5,
    evidence: { exchanges: [exchange()] },
    ...overrides,
  };
}

export function makeResult(suites: SuiteResult[], overrides: Partial<RunResult> = {}): RunResult {
  const all = suites.flatMap((s) => s.checks);
  return freeze({
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'apds-conformance', version: '0.1.0' },
    target: 'http://target.example/v1/parking',
    role: 'platform',
    dialect: 'spec',
    spec: { source: '/opt/apds/spec/openapi.yaml', digest: 'f3e1f54e71a9c0ffee00112233445566778899aabbccddeeff00112233445566' },
    seed: 424242,
    startedAt: '2026-03-01T10:00:00.000Z',
    finishedAt: '2026-03-01T10:00:07.250Z',
    durationMs: 7250,
    suites,
    summary: summarise(all),
    suiteSummaries: Object.fromEntries(suites.map((s) => [s.id, summarise(s.checks)])),
    ...overrides,
  } satisfies RunResult);
}

/** Failures, errors, skips, a waiver, long bodies, callbacks, and hostile strings everywhere a target can reach. */
export function syntheticResult(): RunResult {
  const alpha: SuiteResult = {
    id: 'alpha',
    title: 'Alpha suite',
    description: 'Checks of every status.',
    durationMs: 1234,
    checks: [
      check({ id: 'AL-01', title: 'a passing check' }),
      check({
        id: 'AL-02',
        title: 'a failing MUST check with a hostile answer',
        status: 'failed',
        message: `GET /places answered 500: ${HOSTILE.script}`,
        evidence: {
          exchanges: [
            exchange({
              label: HOSTILE.img,
              request: { method: 'POST', url: `http://target.example/v1/parking/sessions?q=${HOSTILE.script}`, headers: { 'x-evil': HOSTILE.attr, 'content-type': 'application/json' }, body: { note: HOSTILE.style } },
              response: { status: 500, headers: { 'content-type': 'text/html', 'x-bidi': HOSTILE.bidi }, body: `<html><body>${HOSTILE.script}${HOSTILE.img}</body></html>`, durationMs: 80 },
            }),
          ],
          expected: 200,
          actual: { status: 500, text: HOSTILE_TEXT },
          notes: [HOSTILE.entity, HOSTILE.control],
        },
      }),
      check({ id: 'AL-03', title: 'an errored check', status: 'errored', message: `the check itself failed: TypeError: x is undefined\n    at check (suites/a.ts:10:5)\n    at run (harness/runner.ts:99:1)`, evidence: { exchanges: [exchange({ response: undefined, error: `connect ECONNREFUSED ${HOSTILE.script}` })] } }),
      check({ id: 'AL-04', title: 'a skipped check', status: 'skipped', message: 'skipped: AL-02 failed, and this step builds on it', durationMs: 0, evidence: { exchanges: [] } }),
      check({
        id: 'AL-05',
        title: 'a waived check',
        waived: '1 contract defect waived',
        evidence: { exchanges: [exchange()], notes: ['a plain note', 'waived: /data/0/countryCode must match pattern (E04: CountryCode pattern is lower-case)'] },
      }),
      check({ id: 'AL-06', title: 'a failing SHOULD check', severity: 'SHOULD', status: 'failed', message: 'the seed query is not understood', evidence: { exchanges: [exchange({ response: { status: 400, headers: {}, body: { status: 'error', code: 400, message: 'bad' }, durationMs: 3 } })] } }),
      check({ id: 'AL-07', title: 'an INFO check', severity: 'INFO' }),
      check({
        id: 'AL-08',
        title: 'a callback and a very long body',
        evidence: {
          exchanges: [
            exchange({ direction: 'inbound', label: 'SessionCreated callback', request: { method: 'PUT', url: 'http://harness.local/cb/sessions/new', headers: {}, body: { data: 'x'.repeat(40_000) } } }),
          ],
        },
      }),
    ],
  };
  const beta: SuiteResult = {
    id: 'beta',
    title: `Beta ${HOSTILE.script}`,
    description: `A suite whose texts are hostile: ${HOSTILE_TEXT}`,
    durationMs: 10,
    checks: [
      check({ id: `BE-"01"`, title: HOSTILE.img, requirement: HOSTILE.attr, status: 'failed', message: `${HOSTILE.url} ${HOSTILE.cdata}` }),
      check({ id: 'BE 02 spaced', title: HOSTILE.bidi, status: 'failed', severity: 'MUST', message: HOSTILE.control }),
      check({ id: 'AL-01', title: 'the same id as in suite alpha', status: 'skipped', message: 'not applicable', evidence: { exchanges: [] } }),
    ],
  };
  const empty: SuiteResult = { id: 'empty', title: 'An empty suite', description: '', durationMs: 0, checks: [] };
  return makeResult([alpha, beta, empty], { target: `http://target.example/${HOSTILE.script}`, tool: { name: 'apds-conformance', version: `0.1.0${HOSTILE.img}` } });
}

/** `n` checks in 10 suites, mostly passing, each with two exchanges and ~1 KB bodies. */
export function largeResult(n: number): RunResult {
  const body = { data: Array.from({ length: 8 }, (_, i) => ({ id: `place-${i}`, name: `Car park ${i} ${HOSTILE.script}`, supply: 100 + i })) };
  const suites: SuiteResult[] = Array.from({ length: 10 }, (_, s) => ({
    id: `s${s}`,
    title: `Suite ${s}`,
    description: `Generated suite ${s}`,
    durationMs: 100,
    checks: Array.from({ length: Math.ceil(n / 10) }, (_, i): CheckResult => {
      const k = s * Math.ceil(n / 10) + i;
      const status = k % 17 === 0 ? 'failed' : k % 29 === 0 ? 'errored' : k % 13 === 0 ? 'skipped' : 'passed';
      return check({
        id: `S${s}-${String(i).padStart(4, '0')}`,
        title: `generated check ${k}`,
        status,
        severity: k % 5 === 0 ? 'SHOULD' : 'MUST',
        message: status === 'passed' ? undefined : `answer ${k} was wrong`,
        evidence: { exchanges: [exchange({ response: { status: 200, headers: { 'content-type': 'application/json' }, body, durationMs: 4 } }), exchange()], expected: status === 'failed' ? 1 : undefined, actual: status === 'failed' ? 2 : undefined },
      });
    }).slice(0, Math.max(0, Math.min(Math.ceil(n / 10), n - s * Math.ceil(n / 10)))),
  }));
  return makeResult(suites);
}
