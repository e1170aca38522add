// `--role sp` and `--role operator`: the harness plays the platform against our simulated peers (a conforming SP and
// operator back end, in process), against broken ones, and once through the built CLI (dist/cli.js).
import express, { type Express } from 'express';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { devCredentials } from '../harness/credentials.js';
import type { RunResult } from '../harness/model.js';
import { runSuites } from '../harness/runner.js';
import { ResponseValidator } from '../harness/schema-check.js';
import { createOperatorBackend, UC5_OPEN_SESSION } from '../mock/peers/operator-backend.js';
import { createSpBackend, type SpBackend } from '../mock/peers/sp-backend.js';
import { ALL_SUITES } from '../suites/index.js';
import { operatorRole } from '../suites/role-operator.js';
import { spRole } from '../suites/role-sp.js';
import { killAllCli, runCli } from './support/cli-process.js';

const validator = ResponseValidator.ours();
const servers: Server[] = [];
const cleanups: Array<() => void> = [];

async function listen(app: Express): Promise<string> {
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
    s.once('error', reject);
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A free port for the harness's callback receiver, so the SP peer can be told its platform URL beforehand. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeAllConnections();
        }),
    ),
  );
});
afterAll(killAllCli);

function notPassed(result: RunResult): string[] {
  return result.suites.flatMap((s) => s.checks.filter((c) => c.status !== 'passed').map((c) => `${c.id} ${c.status}: ${c.message ?? ''}`));
}
const statusOf = (result: RunResult) => Object.fromEntries(result.suites.flatMap((s) => s.checks.map((c) => [c.id, c.status])));

/** Our SP peer, its platform being the harness's receiver (no credentials: the receiver takes JSON bodies only). */
async function spPeer(): Promise<{ sp: SpBackend; url: string; callbackPort: number }> {
  const callbackPort = await freePort();
  const sp = createSpBackend({ platformUrl: `http://127.0.0.1:${callbackPort}`, paymentDelayMs: 100 });
  cleanups.push(() => sp.close());
  return { sp, url: await listen(sp.app), callbackPort };
}

const runSp = (target: string, callbackPort: number, dialect: 'spec' | 'flows' = 'spec', only?: string[]) =>
  runSuites({ target, credentials: devCredentials(), suites: [spRole], validator, role: 'sp', dialect, callbackPort, only });

const runOperator = (target: string, dialect: 'spec' | 'flows' = 'spec') => runSuites({ target, credentials: devCredentials(), suites: [operatorRole], validator, role: 'operator', dialect });

describe('the role suites are registered', () => {
  it('sp and operator, with their roles', () => {
    expect(ALL_SUITES.filter((s) => s.role === 'sp').map((s) => s.id)).toEqual(['sp']);
    expect(ALL_SUITES.filter((s) => s.role === 'operator').map((s) => s.id)).toEqual(['operator']);
  });
});

describe('--role sp', () => {
  it('our SP peer passes every check, twice in a row (spec dialect)', async () => {
    const { sp, url, callbackPort } = await spPeer();
    for (const run of [1, 2]) {
      const result = await runSp(url, callbackPort);
      expect(notPassed(result), `run ${run}`).toEqual([]);
      expect(result.role).toBe('sp');
      expect(result.summary.verdict).toBe('pass');
      expect(Object.keys(statusOf(result))).toEqual(['SP-01', 'SP-02', 'SP-03', 'SP-04', 'SP-05', 'SP-06']);
    }
    // What the SP got is what the platform sends: PUT to the seed's paths, the X-NPP headers, NPP-shaped bodies.
    const news = sp.recorder.received.filter((r) => r.path === '/sessions/new' && r.headers['x-npp-topic'] === 'SessionCreated' && typeof r.body === 'object');
    expect(news.length).toBeGreaterThanOrEqual(4);
    expect(news[0]!.method).toBe('PUT');
    expect(news[0]!.headers['x-npp-event-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(news[1]!.headers['x-npp-event-id']).toBe(news[0]!.headers['x-npp-event-id']); // the redelivery
    expect(news[0]!.headers['x-npp-subscription-id']).toBeTruthy();
    expect(validator.checkSchema('Session', news[0]!.body)).toEqual([]);
    expect(sp.recorder.received.some((r) => r.path === '/sessions/updated' && r.headers['x-npp-topic'] === 'SessionUpdated')).toBe(true);
    const rights = sp.recorder.received.find((r) => r.path === '/rights/new');
    expect(rights?.headers['x-npp-topic']).toBe('AssignedRightCreated');
    expect(validator.checkSchema('AssignedRight', rights!.body)).toEqual([]);
    // The payment confirmations went to the receiver (the harness playing the platform) and it answered 200.
    expect(sp.payments.length).toBe(2);
    expect(sp.payments.every((p) => p.answer?.status === 200)).toBe(true);
  }, 30_000);

  it('our SP peer passes every check in the flows dialect (the seed\'s bodies)', async () => {
    const { sp, url, callbackPort } = await spPeer();
    const result = await runSp(url, callbackPort, 'flows');
    expect(notPassed(result)).toEqual([]);
    const sent = sp.recorder.received.find((r) => r.path === '/sessions/new') as { body: any };
    expect(sent.body.credentials[0].identifier.id).toBe('BD18SMR');
    expect(sent.body.identifiedCredentials).toBeUndefined();
  }, 30_000);

  it('an SP that never confirms the payment fails only the SHOULD check SP-04', async () => {
    const sp = createSpBackend({ paymentDelayMs: false });
    const result = await runSuites({ target: await listen(sp.app), credentials: devCredentials(), suites: [spRole], validator, role: 'sp', callbackTimeoutMs: 500 });
    expect(notPassed(result)).toEqual([expect.stringMatching(/^SP-04 failed: no PUT …\/sessions\/.* within 500 ms/)]);
    expect(result.summary.verdict).toBe('pass');
  }, 30_000);

  it('a broken SP (500 to everything) fails SP-01, and the steps building on it are skipped', async () => {
    const app = express();
    app.use((_req, res) => void res.status(500).json({ status: 'error', code: 500, message: 'down' }));
    const result = await runSp(await listen(app), await freePort());
    expect(result.summary.verdict).toBe('fail');
    const status = statusOf(result);
    expect(status).toEqual({ 'SP-01': 'failed', 'SP-02': 'skipped', 'SP-03': 'skipped', 'SP-04': 'skipped', 'SP-05': 'failed', 'SP-06': 'failed' });
    const sp01 = result.suites[0]!.checks[0]!;
    expect(sp01.message).toMatch(/answered 500/);
    expect(sp01.evidence.exchanges[0]!.request.method).toBe('PUT');
  }, 30_000);

  it('an SP that accepts malformed bodies fails the SHOULD check SP-06 only', async () => {
    const app = express();
    app.use(express.text({ type: () => true }));
    app.use((_req, res) => void res.json({ status: 'ok' }));
    const result = await runSuites({ target: await listen(app), credentials: devCredentials(), suites: [spRole], validator, role: 'sp', callbackTimeoutMs: 300 });
    const status = statusOf(result);
    expect(status['SP-06']).toBe('failed');
    expect(status['SP-01']).toBe('passed');
    expect(result.summary.verdict).toBe('pass'); // SP-04 and SP-06 are SHOULD
  }, 30_000);

  it('the notification paths can be configured (APDS_SP_*_PATH)', async () => {
    const { sp, url, callbackPort } = await spPeer();
    const saved = { ...process.env };
    process.env.APDS_SP_NEW_SESSIONS_PATH = '/hooks/npp/new-session';
    process.env.APDS_SP_UPDATED_SESSIONS_PATH = 'hooks/npp/updated-session';
    process.env.APDS_SP_NEW_RIGHTS_PATH = '/hooks/npp/new-right';
    try {
      const result = await runSp(url, callbackPort);
      expect(notPassed(result)).toEqual([]);
    } finally {
      for (const k of ['APDS_SP_NEW_SESSIONS_PATH', 'APDS_SP_UPDATED_SESSIONS_PATH', 'APDS_SP_NEW_RIGHTS_PATH']) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
    expect(new Set(sp.recorder.received.map((r) => r.path))).toEqual(new Set(['/hooks/npp/new-session', '/hooks/npp/updated-session', '/hooks/npp/new-right']));
  }, 30_000);
});

describe('--role operator', () => {
  it('our operator peer passes every check, twice in a row, and ends up paid', async () => {
    const operator = createOperatorBackend();
    const url = await listen(operator.app);
    for (const run of [1, 2]) {
      const result = await runOperator(url);
      expect(notPassed(result), `run ${run}`).toEqual([]);
      expect(result.role).toBe('operator');
      expect(Object.keys(statusOf(result))).toEqual(['OP-01', 'OP-02', 'OP-03', 'OP-04', 'OP-05', 'OP-06', 'OP-07']);
    }
    const session = operator.sessions.get(UC5_OPEN_SESSION.id)!;
    expect(session.paymentStatus).toBe('paid');
    expect(validator.checkSchema('Session', session)).toEqual([]); // the spec dialect's confirmation was NPP-shaped
    const query = operator.recorder.received.find((r) => r.method === 'GET' && r.path === '/sessions')!;
    expect(query.query).toEqual({ credential_id: 'BD18SMR', place: '220001', start_before: 'now', end_after: 'now' });
    const put = operator.recorder.received.find((r) => r.method === 'PUT')!;
    expect(put.headers['x-npp-topic']).toBe('SessionUpdated');
    expect(put.headers['x-npp-event-id']).toBeTruthy();
  }, 30_000);

  it('our operator peer passes every check in the flows dialect', async () => {
    const operator = createOperatorBackend();
    const result = await runOperator(await listen(operator.app), 'flows');
    expect(notPassed(result)).toEqual([]);
    expect(operator.sessions.get(UC5_OPEN_SESSION.id)!.credentials[0].identifier.id).toBe('BD18SMR');
  }, 30_000);

  it('the VRM and place can be configured (APDS_OPERATOR_VRM, APDS_OPERATOR_PLACE)', async () => {
    const other = structuredClone(UC5_OPEN_SESSION);
    other.id = 'op-session-2';
    other.credentials[0].identifier.id = 'AB12CDE';
    other.hierarchyElement = { id: '805428', version: 1 };
    const operator = createOperatorBackend({ sessions: [other] });
    process.env.APDS_OPERATOR_VRM = 'AB12 CDE';
    process.env.APDS_OPERATOR_PLACE = '805428';
    try {
      const result = await runOperator(await listen(operator.app));
      expect(notPassed(result)).toEqual([]);
    } finally {
      delete process.env.APDS_OPERATOR_VRM;
      delete process.env.APDS_OPERATOR_PLACE;
    }
    expect(operator.sessions.get('op-session-2')!.paymentStatus).toBe('paid');
  }, 30_000);

  it('a broken operator (knows no session) fails OP-01, and the payment steps are skipped', async () => {
    const app = express();
    app.get('/sessions', (_req, res) => void res.json({ meta: { referenceInstant: Math.floor(Date.now() / 1000), offset: 0, pageSize: 100, total: 0 }, data: [] }));
    app.put('/sessions/:id', (_req, res) => void res.json({ status: 'ok' }));
    const result = await runOperator(await listen(app));
    expect(result.summary.verdict).toBe('fail');
    expect(statusOf(result)).toEqual({ 'OP-01': 'failed', 'OP-02': 'skipped', 'OP-03': 'skipped', 'OP-04': 'skipped', 'OP-05': 'skipped', 'OP-06': 'passed', 'OP-07': 'failed' });
    expect(result.suites[0]!.checks[0]!.message).toMatch(/no open session of BD18SMR at 220001/);
  }, 30_000);

  it('an operator answering 404 to an unknown VRM fails OP-06 (and only it)', async () => {
    const operator = createOperatorBackend();
    const app = express();
    app.get('/sessions', (req, res, next) => (req.query.credential_id === 'BD18SMR' ? next() : void res.status(404).json({ status: 'error', code: 404, message: 'unknown VRM' })));
    app.use(operator.app);
    const result = await runOperator(await listen(app));
    expect(result.summary.verdict).toBe('fail');
    expect(notPassed(result)).toEqual([expect.stringMatching(/^OP-06 failed: GET \/sessions answered 404/)]);
  }, 30_000);

  it('the CLI: test --role operator --target <operator peer> exits 0', async () => {
    const operator = createOperatorBackend();
    const url = await listen(operator.app);
    const out = mkdtempSync(join(tmpdir(), 'apds-role-operator-'));
    try {
      const r = await runCli(['test', '--role', 'operator', '--target', url, '--out', out, '--format', 'json'], 30_000);
      expect(r.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/PASS: 7 passed/);
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RunResult;
      expect(report.role).toBe('operator');
      expect(report.suites.map((s) => s.id)).toEqual(['operator']);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    expect(operator.sessions.get(UC5_OPEN_SESSION.id)!.paymentStatus).toBe('paid');
  }, 40_000);
});
