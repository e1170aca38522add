// `report --from-journal`: a client's traffic to the in-process mock, scored from GET /__admin/journal into the
// same three reports as `test` (routes and methods, request validity, status classes, use-case coverage).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiPath, journalToResult, USE_CASE_STEPS, type JournalEntry } from '../harness/journal-report.js';
import { readJournal, runReportCli } from '../harness/report-cli.js';
import type { CheckResult, RunResult } from '../harness/model.js';
import { startMockPlatform, type RunningMockPlatform } from '../mock/server.js';
import { renderHtml } from '../reports/html.js';
import { renderJson } from '../reports/json.js';
import { renderJunit } from '../reports/junit.js';
import { actor, devClient } from './support/auth.js';
import { runCli } from './support/cli-process.js';
import { jsonClient } from './support/fetch-json.js';

const RATE = '0376c349-ed20-4f6f-9551-1a82f9f5f734';

let mock: RunningMockPlatform;
let dir: string;

beforeAll(async () => {
  mock = await startMockPlatform();
  dir = mkdtempSync(join(tmpdir(), 'apds-journal-report-'));
});
afterAll(async () => {
  await mock?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const api = (clientId: string) => jsonClient(`${mock.url}/v1/parking`, actor(clientId));

async function clearJournal(): Promise<void> {
  const res = await fetch(`${mock.url}/__admin/journal`, { method: 'DELETE' });
  expect(res.status).toBe(200);
}

/** A port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs the command in-process, capturing what it prints. */
async function report(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    return { code: await runReportCli(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const find = (result: RunResult, suite: string, pred: (c: CheckResult) => boolean) => result.suites.find((s) => s.id === suite)!.checks.filter(pred);
const byId = (result: RunResult, id: string) => result.suites.flatMap((s) => s.checks).find((c) => c.id === id)!;

/** A client session with good and bad requests, as an SP app (and an enforcement app) would send them. */
async function mixedTraffic(): Promise<void> {
  const sp = api('sp-sp0001');
  const ep = api('ep-mcr-enforcement');
  expect((await sp('GET', '/places?latitude=53.4806&longitude=-2.2428&radius=1000')).status).toBe(200);
  expect((await sp('GET', '/places/805428?expand=occupancy')).status).toBe(200);
  expect((await sp('GET', `/rates/${RATE}?expand=all`)).status).toBe(200);
  const bad = await sp('POST', '/sessions', { id: 'journal-report-bad', version: 1, actualStart: 'yesterday' });
  expect(bad.status).toBe(400);
  expect((await sp('POST', '/places/805428', { id: '805428' })).status).toBe(404);
  expect((await sp('GET', '/nowhere')).status).toBe(404);
  expect((await ep('GET', '/rights/assigned?place=220001&identifier_id=BD18SMR')).status).toBe(200);
  expect((await fetch(`${mock.url}/__admin/state`)).status).toBe(200);
  const secret = devClient('sp-sp0001').clientSecret!;
  const token = await fetch(`${mock.url}/v1/parking/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'sp-sp0001', client_secret: secret }),
  });
  expect(token.status).toBe(200);
}

describe('journal → RunResult', () => {
  let entries: JournalEntry[];
  let result: RunResult;

  beforeAll(async () => {
    await clearJournal();
    await mixedTraffic();
    const read = await readJournal(`${mock.url}/v1/parking`);
    expect(read.baseUrl).toBe(mock.url);
    entries = read.journal.entries;
    result = journalToResult(entries, { source: read.journalUrl, baseUrl: read.baseUrl, capacity: read.journal.capacity });
  });

  it('has one suite per category and scores every API request (not the /__admin ones)', () => {
    expect(result.suites.map((s) => s.id)).toEqual(['traffic-routes', 'traffic-bodies', 'traffic-status', 'traffic-usecases']);
    const apiEntries = entries.filter((e) => !e.path.startsWith('/__admin'));
    expect(apiEntries).toHaveLength(8);
    expect(entries.length).toBeGreaterThan(apiEntries.length);
    expect(result.suiteSummaries['traffic-routes']!.total).toBe(8);
    expect(result.suiteSummaries['traffic-status']!.total).toBe(8);
    expect(JSON.stringify(result)).not.toContain('/__admin/state');
    expect(result.target).toBe(`${mock.url}/__admin/journal`);
    expect(result.summary.verdict).toBe('fail');
  });

  it('routes and methods: a method the path lacks and an unknown path fail; contract operations pass', () => {
    const routes = result.suites[0]!.checks;
    expect(routes.find((c) => c.title === 'POST /v1/parking/places/805428')).toMatchObject({ status: 'failed', message: expect.stringMatching(/\/places\/\{id\} has no POST operation \(it has GET, PUT, DELETE, PATCH\)/) });
    expect(routes.find((c) => c.title === 'GET /v1/parking/nowhere')).toMatchObject({ status: 'failed', message: 'no API route /nowhere in the contract' });
    expect(routes.find((c) => c.title.startsWith('GET /v1/parking/places/805428'))).toMatchObject({ status: 'passed', message: 'GET /places/{id} (get-place)' });
    expect(routes.find((c) => c.title === 'POST /v1/parking/auth')).toMatchObject({ status: 'passed' });
    expect(routes.filter((c) => c.status === 'failed')).toHaveLength(2);
    expect(routes.every((c) => /^ROUTE-\d{6}$/.test(c.id))).toBe(true);
  });

  it('request validity: the invalid session body fails with the violations the mock recorded', () => {
    const body = find(result, 'traffic-bodies', (c) => c.title === 'POST /v1/parking/sessions request body')[0]!;
    expect(body.status).toBe('failed');
    expect(body.message).toMatch(/violations? recorded: /);
    expect(Array.isArray(body.evidence.actual) && (body.evidence.actual as unknown[]).length).toBeGreaterThan(0);
    expect(body.evidence.exchanges[0]!.request.body).toMatchObject({ id: 'journal-report-bad', actualStart: 'yesterday' });
    // GETs carry no body and are not in this suite.
    expect(find(result, 'traffic-bodies', (c) => c.title.startsWith('GET '))).toEqual([]);
  });

  it('status classes: 2xx passes, 400 fails as MUST, 404 fails as SHOULD', () => {
    const status = result.suites[2]!.checks;
    expect(status.filter((c) => c.status === 'passed')).toHaveLength(5);
    expect(status.find((c) => c.title === 'POST /v1/parking/sessions → 400')).toMatchObject({ status: 'failed', severity: 'MUST' });
    expect(status.find((c) => c.title === 'GET /v1/parking/nowhere → 404')).toMatchObject({ status: 'failed', severity: 'SHOULD' });
  });

  it('use-case coverage: covered steps pass, unseen ones are skipped as not exercised, refused-only ones fail', () => {
    expect(result.suites[3]!.checks.map((c) => c.id)).toEqual(USE_CASE_STEPS.map((s) => s.id));
    for (const id of ['UC1.1', 'UC1.2b', 'UC1.3', 'UC2.2', 'UC3.2', 'UC4.2']) expect(byId(result, id).status, id).toBe('passed');
    expect(byId(result, 'UC1.1').evidence.exchanges[0]!.request.url).toBe(`${mock.url}/v1/parking/places?latitude=53.4806&longitude=-2.2428&radius=1000`);
    expect(byId(result, 'UC2.1')).toMatchObject({ status: 'failed', message: 'seen 1 time, never accepted: statuses 400' });
    for (const id of ['UC1.2a', 'UC1.4', 'UC4.1', 'UC5.1', 'UC5.3']) {
      expect(byId(result, id), id).toMatchObject({ status: 'skipped', message: expect.stringMatching(/^not exercised: /) });
    }
  });

  it('no client_secret posted to /auth reaches the journal or the reports', () => {
    const secret = devClient('sp-sp0001').clientSecret!;
    const auth = entries.find((e) => e.path === '/v1/parking/auth')!;
    expect(JSON.stringify(auth.body)).not.toContain(secret); // the mock's journal redacts it …
    expect(JSON.stringify(auth.body)).toContain('(redacted)');
    for (const text of [renderJson(result), renderJunit(result), renderHtml(result)]) expect(text).not.toContain(secret); // … and so do the reports
    expect(JSON.stringify(byId(result, find(result, 'traffic-bodies', (c) => c.title.startsWith('POST /v1/parking/auth'))[0]!.id).evidence)).toContain('(redacted)');
  });

  it('is deterministic for the same journal, and times come from the journal', () => {
    const again = journalToResult(entries, { source: result.target, baseUrl: mock.url, capacity: 1000 });
    expect(renderJson(again)).toBe(renderJson(result));
    expect(renderHtml(again)).toBe(renderHtml(result));
    const api = entries.filter((e) => !e.path.startsWith('/__admin'));
    expect(result.startedAt).toBe(api[0]!.time);
    expect(result.finishedAt).toBe(api[api.length - 1]!.time);
  });

  it('filters by client id', () => {
    const onlyEp = journalToResult(entries, { source: 'x', clientId: 'ep-mcr-enforcement' });
    expect(onlyEp.suiteSummaries['traffic-routes']!.total).toBe(1);
    expect(onlyEp.summary.verdict).toBe('pass');
  });

  it('apiPath strips the /v1/parking mount and a trailing slash', () => {
    expect(apiPath('/v1/parking/places/')).toBe('/places');
    expect(apiPath('/v1/parking')).toBe('/');
    expect(apiPath('/rights/specs/x')).toBe('/rights/specs/x');
  });
});

describe('apds-conformance report --from-journal', () => {
  it('writes the three reports and exits 1 when the traffic has MUST failures', async () => {
    await clearJournal();
    await mixedTraffic();
    const out = join(dir, 'mixed');
    const r = await report(['--from-journal', mock.url, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL: 8 requests; /m);
    expect(r.stdout).toMatch(/use-case steps covered 6 of \d+/);
    for (const file of ['report.html', 'junit.xml', 'report.json']) expect(existsSync(join(out, file)), file).toBe(true);
    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RunResult;
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const xml = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(html).toContain(`data-total="${json.summary.total}" data-passed="${json.summary.passed}" data-failed="${json.summary.failed}" data-errored="${json.summary.errored}" data-skipped="${json.summary.skipped}"`);
    expect(xml).toContain(`<testsuites name="apds-conformance ${mock.url}/__admin/journal" tests="${json.summary.total}" failures="${json.summary.failed}" errors="${json.summary.errored}" skipped="${json.summary.skipped}"`);
    expect(html.match(/<details class="check"/g)).toHaveLength(json.summary.total);
    expect(xml.match(/<testcase /g)).toHaveLength(json.summary.total);
  });

  it('exits 0 when every request of the client was right', async () => {
    await clearJournal();
    const sp = api('sp-sp0001');
    expect((await sp('GET', '/places?latitude=53.4806&longitude=-2.2428&radius=500')).status).toBe(200);
    expect((await sp('GET', `/rates/${RATE}`)).status).toBe(200);
    const r = await report(['--from-journal', mock.url, '--out', join(dir, 'good'), '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PASS: 2 requests; /m);
    expect(existsSync(join(dir, 'good', 'report.html'))).toBe(false);
    const json = JSON.parse(readFileSync(join(dir, 'good', 'report.json'), 'utf8')) as RunResult;
    expect(json.suiteSummaries['traffic-usecases']).toMatchObject({ passed: 2, failed: 0 });
  });

  it('reads a saved journal file too, and --client narrows it', async () => {
    await clearJournal();
    await mixedTraffic();
    const journal = await (await fetch(`${mock.url}/__admin/journal`)).json();
    const file = join(dir, 'journal.json');
    writeFileSync(file, JSON.stringify(journal));
    expect((await report(['--from-journal', file, '--out', join(dir, 'file'), '--format', 'json'])).code).toBe(1);
    expect((await report(['--from-journal', file, '--out', join(dir, 'ep'), '--client', 'ep-mcr-enforcement', '--format', 'json'])).code).toBe(0);
  });

  it('exits 2 when it cannot report: no API requests, mock unreachable, bad flags', async () => {
    await clearJournal();
    const empty = await report(['--from-journal', mock.url, '--out', join(dir, 'empty')]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/no API requests in the journal/);
    const port = await closedPort();
    const down = await report(['--from-journal', `http://127.0.0.1:${port}`, '--out', join(dir, 'down')]);
    expect(down.code).toBe(2);
    expect(down.stderr).toContain(`cannot read the journal from http://127.0.0.1:${port} (ECONNREFUSED)`);
    const notMock = await report(['--from-journal', `${mock.url}/v1/parking/places`, '--out', join(dir, 'down')]);
    expect(notMock.code).toBe(2);
    expect(notMock.stderr).toMatch(/cannot read the journal from .*\/v1\/parking\/places \(GET .*\/v1\/parking\/places\/__admin\/journal answered 404\)/);
    for (const args of [[], ['--from-journal', mock.url, '--bogus'], ['--from-journal', mock.url, '--format', 'pdf'], ['--from-journal', mock.url, '--limit', '0']]) {
      const r = await report(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/\(see apds-conformance report --help\)/);
    }
    const help = await report(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: apds-conformance report --from-journal/);
  });

  it('is wired into the bin: dist/cli.js report exits like test', async () => {
    await clearJournal();
    await mixedTraffic();
    const r = await runCli(['report', '--from-journal', mock.url, '--out', join(dir, 'bin')], 20_000);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/HTML report written to .*report\.html/);
    const help = await runCli(['--help']);
    expect(help.stdout).toMatch(/^ {2}report {4}judge a client by its traffic/m);
  });
});
