// End to end across real processes: `node dist/cli.js mock --port 0 --with-peers` (access control on, real clock)
// prints the simulated peers' URLs; the test process plays the SP, the enforcement back end (a local receiver)
// and the test driver.
//   UC2.3  enforcement subscribes to AssignedRightCreated; RED Parking posts the uc2-1 session; enforcement's
//          endpoint receives the right the platform created for it.
//   UC4    SP0001 posts the uc4-1 right (Bearer token); the operator peer drives ANPR entry and exit
//          (POST /__peer/drive/anpr); the SP peer receives /sessions/new and /sessions/updated and, after its delay,
//          confirms payment to the platform (transactionId + dateCollected), which forwards it to the operator.
//   UC5    (--fixtures uc5) SP0001's session query is answered by the operator peer (X-NPP-Answered-By); its
//          payment confirmation is forwarded to the operator peer, which marks the session paid; the operator
//          failing gives 502.
//   Harness the default suites (`test`) against a mock with its peers pass: UC5's session, posted by the harness as
//          the operator, is known to the operator peer that answers for 220001; other SPs' sessions stay hidden.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllCli, runCli, startMock, type RunningMock } from './support/cli-process.js';
import { actor, bearer, devClient } from './support/auth.js';
import { jsonClient, type JsonClient } from './support/fetch-json.js';
import { payload } from './support/payloads.js';
import { sleep, startReceiver, waitUntil, type Receiver } from './support/receiver.js';
import { UC2_PLACE, UC2_SESSION, UC4_RIGHT, UC4_SESSION } from './support/webhooks.js';

interface WithPeers {
  mock: RunningMock;
  api: JsonClient;
  admin: JsonClient;
  operatorUrl: string;
  spUrl: string;
  operator: JsonClient;
  sp: JsonClient;
}

async function startWithPeers(args: string[]): Promise<WithPeers> {
  const mock = await startMock(['--port', '0', '--with-peers', ...args]);
  const operatorUrl = /operator back end (http:\/\/127\.0\.0\.1:\d+)/.exec(mock.stdout())?.[1];
  const spUrl = /SP back end (http:\/\/127\.0\.0\.1:\d+)/.exec(mock.stdout())?.[1];
  if (!operatorUrl || !spUrl) throw new Error(`mock --with-peers did not print the peers' URLs:\n${mock.stdout()}`);
  return { mock, api: jsonClient(`${mock.url}/v1/parking`), admin: jsonClient(mock.url), operatorUrl, spUrl, operator: jsonClient(operatorUrl), sp: jsonClient(spUrl) };
}

/** Client-credentials token from the platform's POST /auth (form body), as Bearer headers. */
async function tokenFrom(baseUrl: string, clientId: string): Promise<Record<string, string>> {
  const c = devClient(clientId);
  const res = await fetch(`${baseUrl}/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret }).toString(),
  });
  const body = (await res.json()) as { access_token?: string };
  expect(res.status, JSON.stringify(body)).toBe(200);
  return bearer(body.access_token!);
}

let main: WithPeers;
let uc5: WithPeers;
const receivers: Receiver[] = [];

beforeAll(async () => {
  [main, uc5] = await Promise.all([startWithPeers([]), startWithPeers(['--fixtures', 'uc5'])]);
}, 30_000);

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await Promise.all([main?.mock.stop().catch(() => undefined), uc5?.mock.stop().catch(() => undefined)]);
  await killAllCli();
});

describe('UC2.3: enforcement notified of the assigned right the platform creates', () => {
  it("RED Parking's session (uc2-1) makes a right; enforcement's endpoint receives it (PUT, bare), nothing else", async () => {
    const enforcement = await startReceiver();
    receivers.push(enforcement);
    const sub = await main.api('POST', '/webhooks', { endpoint: `${enforcement.url}/enforcement/rights/new`, topics: ['AssignedRightCreated'] }, actor('ep-mcr-enforcement'));
    expect(sub.status, JSON.stringify(sub.body)).toBe(200);

    const post = await main.api('POST', '/sessions', payload('uc2-1-session-e2089853.json'), actor('sp-red-parking'));
    expect(post.status, JSON.stringify(post.body)).toBe(201);

    const [hit] = await enforcement.waitFor((r) => r.method === 'PUT', 1, 5000);
    expect(hit!.path).toBe('/enforcement/rights/new');
    expect(hit!.headers).toMatchObject({ 'x-npp-topic': 'AssignedRightCreated', 'x-npp-subscription-id': sub.body.id, 'x-npp-delivery-attempt': '1' });
    expect(hit!.headers['x-npp-event-id']).toMatch(/^[0-9a-f-]{36}$/);
    const right = hit!.body;
    // The shape of the seed's UC2.3 notification, for AB12XYZ at 001702e7.
    expect(right).toMatchObject({
      version: 1,
      rightHolder: { credentials: [{ identifier: { id: 'AB12XYZ', className: 'UKNumberPlate' } }] },
      rightSpecification: { id: 'a298d061-a30c-4a5a-bfe0-308f20d3ddc7' },
      expiry: '2021-01-16T14:10:02Z',
      assignedRightIssuer: { id: 'ID_RED_PARKING' },
      issueMethod: 'electronic',
    });
    // It is the right the session now refers to, as enforcement reads it (UC2.2).
    const session = await main.api('GET', `/sessions/${UC2_SESSION}`, undefined, actor('ep-mcr-enforcement'));
    expect(session.body.segments[0].assignedRight.id).toBe(right.id);
    const stored = await main.api('GET', `/rights/assigned/${right.id}`, undefined, actor('ep-mcr-enforcement'));
    expect(hit!.body).toEqual(stored.body);
    const listed = await main.api('GET', `/rights/assigned?place=${UC2_PLACE}&credential_id=AB12XYZ`, undefined, actor('ep-mcr-enforcement'));
    expect(listed.body.data.map((r: any) => r.id)).toContain(right.id);

    await sleep(300);
    expect(enforcement.received).toHaveLength(1); // not the session: enforcement did not subscribe to it
  });
});

describe('UC4: ANPR frictionless payment, driven by the operator peer', () => {
  it('SP peer gets /sessions/new and /sessions/updated, confirms payment after its delay; the platform forwards it to the operator', async () => {
    const sp0001 = await tokenFrom(`${main.mock.url}/v1/parking`, 'sp-sp0001');
    const right = await main.api('POST', '/rights/assigned', payload('uc4-1-assigned-right-20410eec.json'), sp0001);
    expect(right.status, JSON.stringify(right.body)).toBe(201);

    const drive = await main.operator('POST', '/__peer/drive/anpr', { vrm: 'BD18SMR', place: '220001', sessionId: UC4_SESSION, entry: '2021-11-01T13:05:00Z', exit: '2021-11-01T17:23:01Z' });
    expect(drive.status, JSON.stringify(drive.body)).toBe(200);
    expect(drive.body).toMatchObject({ sessionId: UC4_SESSION, assignedRight: UC4_RIGHT, outcome: 'session reported' });
    expect(drive.body.steps.map((s: any) => [s.step, s.status])).toEqual([
      ['UC4.2 VRM lookup', 200],
      ['UC4.3 session started', 201],
      ['UC4.5 session completed', 200],
    ]);
    expect(drive.body.steps[0].total).toBe(1);

    // UC4.4: the new session at SP0001's endpoint for new sessions.
    const received = async (path: string) => (await main.sp('GET', `/__peer/received?path=${path}`)).body.received as any[];
    const created = await waitUntil(async () => (await received('/sessions/new'))[0], 5000, 'PUT /sessions/new at the SP peer');
    expect(created).toMatchObject({ method: 'PUT', headers: { 'x-npp-topic': 'SessionCreated', 'x-npp-subscription-id': 'client:sp-sp0001:SessionCreated' } });
    const seedNew = payload('uc4-3-session-fe5eea6a.json');
    expect(created.body).toMatchObject({
      id: UC4_SESSION,
      version: 1,
      actualStart: seedNew.actualStart,
      identifiedCredentials: [{ type: 'licensePlate', identifier: { id: 'BD18SMR', className: 'UKNumberPlate' } }],
      segments: [{ actualStart: seedNew.segments[0].actualStart, validationType: ['licensePlate'], assignedRight: { id: UC4_RIGHT, version: 1 } }],
      hierarchyElement: { id: '220001', version: 1 },
    });
    expect(created.body).not.toHaveProperty('actualEnd');
    expect(created.body.segments[0].financialTransactions ?? []).toEqual([]);

    // UC4.6: the completed session at the endpoint for updates, still unpaid.
    const updates = await waitUntil(async () => ((await received('/sessions/updated')).length >= 1 ? received('/sessions/updated') : undefined), 5000, 'PUT /sessions/updated');
    expect(updates[0]).toMatchObject({ method: 'PUT', headers: { 'x-npp-topic': 'SessionUpdated' } });
    expect(updates[0].body).toMatchObject({
      id: UC4_SESSION,
      actualEnd: '2021-11-01T17:23:01Z',
      segments: [{ actualEnd: '2021-11-01T17:23:01Z', assignedRight: { id: UC4_RIGHT }, financialTransactions: [{ segmentValue: 10.8, taxIncluded: true }] }],
    });
    expect(updates[0].body.segments[0].financialTransactions[0]).not.toHaveProperty('dateCollected');
    expect(new Set([created.headers['x-npp-event-id'], updates[0].headers['x-npp-event-id']]).size).toBe(2);

    // UC4.7: the SP peer's payment confirmation (after its 1 s delay) reached the platform.
    const paid = await waitUntil(
      async () => {
        const s = await main.api('GET', `/sessions/${UC4_SESSION}`, undefined, sp0001);
        const tx = s.body?.segments?.[0]?.financialTransactions?.[0];
        return tx?.transactionId && tx?.dateCollected ? s.body : undefined;
      },
      8000,
      'the SP peer to confirm payment',
      100,
    );
    const tx = paid.segments[0].financialTransactions[0];
    expect(tx).toMatchObject({ segmentValue: 10.8, dateCollected: '2021-11-01T17:23:01Z', transactionId: expect.stringMatching(/^[0-9a-f-]{36}$/) });

    // The SP is told of its own update too (the collected payment), and does not confirm twice.
    const paidNotice = await waitUntil(async () => (await received('/sessions/updated')).find((r) => r.body.segments?.[0]?.financialTransactions?.[0]?.dateCollected), 5000, 'the paid session at /sessions/updated');
    expect(paidNotice.body.segments[0].financialTransactions[0].transactionId).toBe(tx.transactionId);
    // UC4.8: the platform forwards the payment to the operator, who marks the session paid.
    const atOperator = await waitUntil(async () => {
      const s = await main.operator('GET', `/sessions/${UC4_SESSION}`);
      return s.body?.paymentStatus === 'paid' ? s.body : undefined;
    }, 5000, 'the operator peer to mark the session paid');
    expect(atOperator.segments[0].financialTransactions[0].transactionId).toBe(tx.transactionId);

    await sleep(300);
    const confirmations = (await main.operator('GET', `/__peer/received?path=/sessions/${UC4_SESSION}`)).body.received.filter((r: any) => r.method === 'PUT');
    expect(confirmations).toHaveLength(1);
    const log = await main.admin('GET', '/__admin/deliveries');
    expect(log.body.counters).toMatchObject({ failed: 0, dropped: 0 });
    // (Enforcement's UC2 subscription also heard of the uc4-1 right at 220001, a place it serves.)
    const delivered = log.body.entries.filter((e: any) => e.outcome === 'delivered' && e.topic.startsWith('Session')).map((e: any) => `${e.topic} ${e.url.replace(main.spUrl, 'SP').replace(main.operatorUrl, 'OP')}`);
    expect(delivered.slice(0, 2)).toEqual(['SessionCreated SP/sessions/new', 'SessionUpdated SP/sessions/updated']);
    expect(delivered.slice(2).sort()).toEqual([`SessionUpdated OP/sessions/${UC4_SESSION}`, 'SessionUpdated SP/sessions/updated']);
  });
});

describe('UC5: pay on departure, answered and settled by the operator peer', () => {
  it("SP0001's session query is answered by the operator peer", async () => {
    const res = await uc5.api('GET', '/sessions?credential_id=BD18SMR&place=220001&start_before=now&end_after=now', undefined, actor('sp-sp0001'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.get('x-npp-answered-by')).toBe(uc5.operatorUrl);
    const expected = payload('expected/uc5-1-sessions.json');
    expect(res.body.meta).toMatchObject({ offset: 0, pageSize: 100, total: 1 });
    expect(res.body.data).toEqual(expected.data);
    const asked = (await uc5.operator('GET', '/__peer/received?path=/sessions')).body.received;
    expect(asked.at(-1)).toMatchObject({ method: 'GET', query: { credential_id: 'BD18SMR', place: '220001', start_before: 'now', end_after: 'now' }, headers: { 'x-npp-forwarded-for': 'SP0001' } });
  });

  it("SP0001's payment confirmation (uc5-3) is stored and forwarded to the operator peer, which marks the session paid", async () => {
    const put = await uc5.api('PUT', `/sessions/${UC4_SESSION}`, payload('uc5-3-session-fe5eea6a-payment.json'), actor('sp-sp0001'));
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const atOperator = await waitUntil(async () => {
      const s = await uc5.operator('GET', `/sessions/${UC4_SESSION}`);
      return s.body?.paymentStatus === 'paid' ? s.body : undefined;
    }, 5000, 'GET {operator}/sessions/fe5eea6a → paymentStatus paid');
    const seed = payload('uc5-4-forwarded-payment.json');
    expect(atOperator).toMatchObject({ id: UC4_SESSION, paymentStatus: 'paid', hierarchyElement: { id: '220001' }, segments: [{ id: seed.segments[0].id, financialTransactions: [{ transactionId: seed.segments[0].financialTransactions[0].transactionId, dateCollected: seed.segments[0].financialTransactions[0].dateCollected, segmentValue: 10.8 }] }] });
    const forwarded = (await uc5.operator('GET', `/__peer/received?path=/sessions/${UC4_SESSION}`)).body.received.filter((r: any) => r.method === 'PUT');
    expect(forwarded).toHaveLength(1);
    expect(forwarded[0].headers).toMatchObject({ 'x-npp-topic': 'SessionUpdated', 'x-npp-delivery-attempt': '1' });
    const platform = await uc5.api('GET', `/sessions/${UC4_SESSION}`, undefined, actor('sp-sp0001'));
    expect(platform.body.segments[0].financialTransactions[0]).toMatchObject({ transactionId: 'd9d237be-0432-44eb-9807-91fd01aae835', dateCollected: '2021-11-01T17:23:01Z' });
  });

  it('502 when the operator peer fails (error mode for one request), then answered again', async () => {
    // (504 needs the 5 s default timeout across processes; it is covered in process with forwarding.timeoutMs.)
    const query = '/sessions?credential_id=BD18SMR&place=220001&start_before=now&end_after=now';
    expect((await uc5.operator('PUT', '/__peer/failure', { mode: 'error', status: 500, count: 1 })).status).toBe(200);
    const bad = await uc5.api('GET', query, undefined, actor('sp-sp0001'));
    expect(bad.status).toBe(502);
    expect(bad.body).toMatchObject({ status: 'error', code: 502, message: expect.stringContaining('answered 500') });
    const good = await uc5.api('GET', query, undefined, actor('sp-sp0001'));
    expect(good.status).toBe(200);
    expect(good.headers.get('x-npp-answered-by')).toBe(uc5.operatorUrl);
  });
});

describe('the conformance harness against the mock with its peers', () => {
  // Its own mock: the suites' sessions and deliveries would disturb the exact delivery logs asserted above.
  let peers: WithPeers;
  let out: string;
  beforeAll(async () => {
    peers = await startWithPeers([]);
    out = mkdtempSync(join(tmpdir(), 'apds-peers-harness-'));
  }, 30_000);
  afterAll(async () => {
    await peers?.mock.stop().catch(() => undefined);
    rmSync(out, { recursive: true, force: true });
  });

  it('every default suite passes, UC5 included: the operator peer finds the session the harness reported as the operator', async () => {
    const run = await runCli(['test', '--target', `${peers.mock.url}/v1/parking`, '--format', 'json', '--out', out], 60_000);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    const checks = new Map<string, any>(report.suites.flatMap((s: any) => s.checks.map((c: any) => [c.id, c])));
    const notPassed = [...checks.values()].filter((c) => c.status !== 'passed').map((c) => `${c.id} ${c.status}: ${c.message}`);
    expect(notPassed, run.stdout).toEqual([]);
    expect(run.code).toBe(0);
    for (const id of ['UC5-01', 'UC5-02', 'UC5-03', 'UC5-05', 'UC5-07', 'UC5-08', 'SEC-08']) expect(checks.get(id)?.status, id).toBe('passed');
    // UC5.2 went through the operator peer (220001 is its place), not around it.
    const uc5 = checks.get('UC5-02').evidence.exchanges.find((e: any) => e.request.method === 'GET');
    expect(uc5.response.headers['x-npp-answered-by']).toBe(peers.operatorUrl);
  }, 90_000);
});
