// The outbound delivery engine on its own (mock/events/dispatcher.ts), its outbound calls intercepted by nock:
// exact method, URL, headers (event id, topic, subscription id, attempt, HMAC signature recomputed here), body;
// retries on errors, timeouts and refused connections with exponentially growing, jittered spacing
// (`random: () => 0.5` makes the jitter deterministic: delay n = 0.75 × base × 2^(n-1)); bounded attempts;
// one FIFO per subscription (order kept, one stalled subscriber never delays another); bounded queue (drops are
// logged and counted); forget() on delete; idle().
import { createHmac } from 'node:crypto';
import nock from 'nock';
import { onlyLoopback } from './support/network.js';
import { describe, expect, it } from 'vitest';
import { DeliveryLog } from '../mock/events/delivery-log.js';
import { Dispatcher, signature, type DispatcherOptions, type DeliveryTarget } from '../mock/events/dispatcher.js';
import { waitUntil } from './support/receiver.js';

// A loopback port nothing listens on: nock answers for it; anything nock does not match is refused.
const HOST = 'http://127.0.0.1:65531';

interface Hit {
  at: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: any;
}

function dispatcher(options: DispatcherOptions = {}) {
  const log = new DeliveryLog();
  const d = new Dispatcher(log, { random: () => 0.5, baseDelayMs: 50, maxDelayMs: 10_000, timeoutMs: 1000, ...options });
  return { d, log };
}

/** Interceptor that records each request and answers with the next status of `statuses` (the last one repeats). */
function scope(method: 'put' | 'post', path: string, statuses: number[], hits: Hit[], times = statuses.length) {
  let i = 0;
  return nock(HOST)
    [method](path)
    .times(times)
    .reply(function (uri, body) {
      hits.push({ at: performance.now(), method: this.req.method, path: uri, headers: { ...(this.req.headers as Record<string, string>) }, body });
      const status = statuses[Math.min(i++, statuses.length - 1)]!;
      return [status, { status: status < 300 ? 'ok' : 'error', code: status }];
    });
}

const target = (over: Partial<DeliveryTarget> = {}): DeliveryTarget => ({ subscriptionId: 'sub-1', url: `${HOST}/hook`, method: 'PUT', ...over });
const gaps = (hits: Hit[]) => hits.slice(1).map((h, i) => h.at - hits[i]!.at);

onlyLoopback(65531);

describe('Dispatcher: one delivery', () => {
  it('sends the body as is with the event headers, and an HMAC-SHA256 signature of the exact body', async () => {
    const { d, log } = dispatcher();
    const hits: Hit[] = [];
    const s = scope('put', '/hook', [200], hits);
    const body = JSON.stringify({ id: 'fe5eea6a', version: 1, segments: [{ segmentValue: 10.8 }] });
    const eventId = d.enqueue(target({ secret: 'super-secret-1' }), { topic: 'SessionCreated', resourceId: 'fe5eea6a', body });
    expect(eventId).toMatch(/^[0-9a-f-]{36}$/);
    await d.idle();
    expect(s.isDone()).toBe(true);
    expect(hits).toHaveLength(1);
    const [hit] = hits;
    expect(hit!.method).toBe('PUT');
    expect(hit!.path).toBe('/hook');
    expect(hit!.headers).toMatchObject({
      'content-type': 'application/json',
      'x-npp-event-id': eventId,
      'x-npp-topic': 'SessionCreated',
      'x-npp-subscription-id': 'sub-1',
      'x-npp-delivery-attempt': '1',
    });
    // nock hands over the parsed JSON; the body the dispatcher sent is its JSON.stringify (same key order).
    expect(JSON.stringify(hit!.body)).toBe(body);
    const expected = 'sha256=' + createHmac('sha256', 'super-secret-1').update(body).digest('hex');
    expect(hit!.headers['x-npp-signature']).toBe(expected);
    expect(signature('super-secret-1', body)).toBe(expected);
    const entries = log.entries();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ subscriptionId: 'sub-1', eventId, topic: 'SessionCreated', resourceId: 'fe5eea6a', method: 'PUT', url: `${HOST}/hook`, attempt: 1, outcome: 'delivered', status: 200 });
    expect(entries[0]!.latencyMs).toBeGreaterThanOrEqual(0);
    expect(log.counters).toEqual({ enqueued: 1, delivered: 1, failed: 0, dropped: 0, attempts: 1 });
  });

  it('sends no signature without a secret, POSTs when told to, and keeps extra target headers', async () => {
    const { d } = dispatcher();
    const hits: Hit[] = [];
    scope('post', '/events?x=1', [204], hits);
    const eventId = d.enqueue(target({ method: 'POST', url: `${HOST}/events?x=1`, headers: { 'X-Extra': 'yes' } }), { topic: 'PlaceUpdated', resourceId: '805428', body: '{"id":"805428"}', eventId: 'fixed-id' });
    expect(eventId).toBe('fixed-id');
    await d.idle();
    expect(hits).toHaveLength(1);
    expect(hits[0]!.method).toBe('POST');
    expect(hits[0]!.path).toBe('/events?x=1');
    expect(hits[0]!.headers['x-npp-signature']).toBeUndefined();
    expect(hits[0]!.headers['x-npp-event-id']).toBe('fixed-id');
    expect(hits[0]!.headers['x-extra']).toBe('yes');
  });

  it('gives each event its own id', async () => {
    const { d } = dispatcher();
    const hits: Hit[] = [];
    scope('put', '/hook', [200], hits, 3);
    const ids = [1, 2, 3].map((n) => d.enqueue(target(), { topic: 'PlaceUpdated', resourceId: 'p', body: `{"n":${n}}` }));
    await d.idle();
    expect(new Set(ids).size).toBe(3);
    expect(hits.map((h) => h.headers['x-npp-event-id'])).toEqual(ids);
  });
});

describe('Dispatcher: retries', () => {
  it('retries 5xx with exponential spacing (0.75 × 50 × 2^(n-1) ms with random 0.5), same event id, attempt header counting up', async () => {
    const { d, log } = dispatcher({ maxAttempts: 6 });
    const hits: Hit[] = [];
    const s = scope('put', '/hook', [503, 500, 502, 503, 200], hits);
    const eventId = d.enqueue(target({ secret: 'retry-secret' }), { topic: 'SessionUpdated', resourceId: 's1', body: '{"id":"s1"}' });
    await d.idle();
    expect(s.isDone()).toBe(true);
    expect(hits).toHaveLength(5);
    expect(hits.map((h) => h.headers['x-npp-delivery-attempt'])).toEqual(['1', '2', '3', '4', '5']);
    expect(new Set(hits.map((h) => h.headers['x-npp-event-id']))).toEqual(new Set([eventId]));
    expect(new Set(hits.map((h) => h.headers['x-npp-signature'])).size).toBe(1);

    const expected = [38, 75, 150, 300]; // backoffMs(1..4): round(0.75 × 50 × 2^(n-1))
    expect([1, 2, 3, 4].map((n) => d.backoffMs(n))).toEqual(expected);
    // Measured spacing: never shorter than the backoff (which doubles each time), and not much longer (the upper
    // tolerance is generous so that a loaded machine does not fail the test).
    const measured = gaps(hits);
    measured.forEach((gap, i) => {
      expect(gap, `gap ${i + 1}: ${measured.map(Math.round).join(', ')} ms`).toBeGreaterThanOrEqual(expected[i]! - 5);
      expect(gap, `gap ${i + 1}: ${measured.map(Math.round).join(', ')} ms`).toBeLessThan(expected[i]! + 150);
    });

    const entries = log.entries();
    expect(entries.map((e) => [e.attempt, e.outcome, e.status, e.nextAttemptInMs])).toEqual([
      [1, 'retrying', 503, 38],
      [2, 'retrying', 500, 75],
      [3, 'retrying', 502, 150],
      [4, 'retrying', 503, 300],
      [5, 'delivered', 200, undefined],
    ]);
    expect(entries[0]!.error).toBe('HTTP 503');
    expect(log.counters).toMatchObject({ enqueued: 1, delivered: 1, failed: 0, attempts: 5 });
  });

  it('jitter spreads each delay over [ceiling/2, ceiling] and maxDelayMs caps the ceiling', () => {
    const log = new DeliveryLog();
    let r = 0;
    const d = new Dispatcher(log, { baseDelayMs: 100, maxDelayMs: 1000, random: () => r });
    expect([1, 2, 3, 4, 5, 6].map((n) => d.backoffMs(n))).toEqual([50, 100, 200, 400, 500, 500]);
    r = 1;
    expect([1, 2, 3, 4, 5, 6].map((n) => d.backoffMs(n))).toEqual([100, 200, 400, 800, 1000, 1000]);
    r = 0.25;
    expect(d.backoffMs(3)).toBe(250);
  });

  it('gives up after maxAttempts (logged failed, counted) and goes on with the next event', async () => {
    const { d, log } = dispatcher({ maxAttempts: 3 });
    const hits: Hit[] = [];
    let n = 0;
    nock(HOST)
      .put('/hook')
      .times(4)
      .reply(function (uri, body) {
        hits.push({ at: performance.now(), method: this.req.method, path: uri, headers: { ...(this.req.headers as Record<string, string>) }, body });
        return (body as { n: number }).n === 1 ? [500, 'boom'] : [200, 'ok'];
      });
    const first = d.enqueue(target(), { topic: 'SessionCreated', resourceId: 'a', body: '{"n":1}' });
    const second = d.enqueue(target(), { topic: 'SessionCreated', resourceId: 'b', body: '{"n":2}' });
    n = hits.length;
    await d.idle();
    expect(n).toBe(0); // asynchronous: nothing was sent while enqueueing
    expect(hits.map((h) => [h.body.n, h.headers['x-npp-delivery-attempt']])).toEqual([
      [1, '1'],
      [1, '2'],
      [1, '3'],
      [2, '1'],
    ]);
    const outcomes = log.entries().map((e) => [e.eventId, e.attempt, e.outcome]);
    expect(outcomes).toEqual([
      [first, 1, 'retrying'],
      [first, 2, 'retrying'],
      [first, 3, 'failed'],
      [second, 1, 'delivered'],
    ]);
    expect(log.counters).toEqual({ enqueued: 2, delivered: 1, failed: 1, dropped: 0, attempts: 4 });
  });

  // nock's delayed and failing replies are exercised through fetch here; the node:http sender meets real slow,
  // resetting and refusing sockets in test/webhooks-http-send.test.ts.
  it('retries a timeout (the subscriber answers too late) and a refused connection', async () => {
    const { d, log } = dispatcher({ timeoutMs: 100, maxAttempts: 4, fetch: globalThis.fetch });
    nock(HOST).put('/slow').delay(400).reply(200, 'late');
    nock(HOST).put('/slow').reply(200, 'ok');
    nock(HOST).put('/reset').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    nock(HOST).put('/reset').reply(200, 'ok');
    d.enqueue(target({ subscriptionId: 'slow', url: `${HOST}/slow` }), { topic: 'PlaceUpdated', resourceId: 'p', body: '{}' });
    d.enqueue(target({ subscriptionId: 'reset', url: `${HOST}/reset` }), { topic: 'PlaceUpdated', resourceId: 'p', body: '{}' });
    await d.idle();
    const slow = log.entries({ subscriptionId: 'slow' });
    expect(slow.map((e) => [e.attempt, e.outcome])).toEqual([
      [1, 'retrying'],
      [2, 'delivered'],
    ]);
    expect(slow[0]!.error).toBe('timeout after 100 ms');
    expect(slow[0]!.latencyMs).toBeGreaterThanOrEqual(95);
    const reset = log.entries({ subscriptionId: 'reset' });
    expect(reset.map((e) => [e.attempt, e.outcome])).toEqual([
      [1, 'retrying'],
      [2, 'delivered'],
    ]);
    expect(reset[0]!.error).toMatch(/socket hang up|ECONNRESET/);
  });

  it('retries when nothing listens at all (ECONNREFUSED on loopback) and logs the cause', async () => {
    const { d, log } = dispatcher({ maxAttempts: 2 });
    nock.enableNetConnect('127.0.0.1:65531');
    try {
      d.enqueue(target({ url: 'http://127.0.0.1:65531/nobody' }), { topic: 'PlaceUpdated', resourceId: 'p', body: '{}' });
      await d.idle();
    } finally {
      nock.disableNetConnect();
      nock.enableNetConnect(/^127\.0\.0\.1:(?!65531)/);
    }
    expect(log.entries().map((e) => [e.attempt, e.outcome, e.error])).toEqual([
      [1, 'retrying', 'ECONNREFUSED'],
      [2, 'failed', 'ECONNREFUSED'],
    ]);
  });
});

describe('Dispatcher: queues', () => {
  it('keeps the order per subscription: a failing first event holds back the ones behind it', async () => {
    const { d } = dispatcher();
    const hits: Hit[] = [];
    let failuresLeft = 2;
    nock(HOST)
      .put('/hook')
      .times(7)
      .reply(function (uri, body) {
        hits.push({ at: performance.now(), method: this.req.method, path: uri, headers: { ...(this.req.headers as Record<string, string>) }, body });
        return failuresLeft-- > 0 ? [503, 'busy'] : [200, 'ok'];
      });
    for (let v = 1; v <= 5; v++) d.enqueue(target(), { topic: 'PlaceUpdated', resourceId: '805428', body: JSON.stringify({ id: '805428', version: v }) });
    await d.idle();
    expect(hits.map((h) => h.body.version)).toEqual([1, 1, 1, 2, 3, 4, 5]);
  });

  it('one stalled subscriber does not delay another', async () => {
    const { d, log } = dispatcher({ timeoutMs: 2000, maxAttempts: 1 });
    nock(HOST).put('/stalled').delay(1500).reply(200, 'late');
    const hits: Hit[] = [];
    scope('put', '/fast', [200], hits, 3);
    const started = performance.now();
    d.enqueue(target({ subscriptionId: 'stalled', url: `${HOST}/stalled` }), { topic: 'PlaceUpdated', resourceId: 'p', body: '{}' });
    for (let i = 0; i < 3; i++) d.enqueue(target({ subscriptionId: 'fast', url: `${HOST}/fast` }), { topic: 'PlaceUpdated', resourceId: 'p', body: `{"i":${i}}` });
    await waitUntil(() => hits.length === 3, 1200, 'the fast subscriber to get its three events');
    expect(hits[2]!.at - started).toBeLessThan(1200); // long before the stalled one answers (1500 ms)
    await waitUntil(() => d.backlog().fast === undefined, 1000, 'the fast queue to empty');
    expect(d.backlog()).toEqual({ stalled: 1 });
    d.forget('stalled');
    expect(log.entries({ subscriptionId: 'stalled' }).map((e) => e.outcome)).toEqual(['dropped']);
  });

  it('bounds the queue: beyond maxQueue events are dropped, logged with the reason and counted', async () => {
    const { d, log } = dispatcher({ maxQueue: 2, timeoutMs: 5000 });
    nock(HOST).put('/hook').delay(3000).reply(200, 'late');
    const ids = [1, 2, 3, 4].map((n) => d.enqueue(target(), { topic: 'PlaceUpdated', resourceId: `p${n}`, body: `{"n":${n}}` }));
    expect(ids[0]).toBeTypeOf('string');
    expect(ids[1]).toBeTypeOf('string');
    expect(ids[2]).toBeUndefined();
    expect(ids[3]).toBeUndefined();
    expect(d.backlog()).toEqual({ 'sub-1': 2 });
    expect(log.counters).toMatchObject({ enqueued: 2, dropped: 2, attempts: 0 });
    const dropped = log.entries().filter((e) => e.outcome === 'dropped');
    expect(dropped.map((e) => e.resourceId)).toEqual(['p3', 'p4']);
    expect(dropped[0]).toMatchObject({ subscriptionId: 'sub-1', topic: 'PlaceUpdated', attempt: 0, error: 'queue full (2 waiting)' });
    d.close();
    await d.idle();
  });

  it('forget() drops what waits for a deleted subscription (logged), and idle() then resolves', async () => {
    const { d, log } = dispatcher({ timeoutMs: 5000 });
    nock(HOST).put('/hook').delay(3000).reply(200, 'late');
    for (let n = 1; n <= 3; n++) d.enqueue(target(), { topic: 'PlaceUpdated', resourceId: `p${n}`, body: `{"n":${n}}` });
    await new Promise((r) => setTimeout(r, 50));
    let idle = false;
    const waiting = d.idle().then(() => (idle = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(idle).toBe(false);
    d.forget('sub-1');
    await waiting;
    expect(d.backlog()).toEqual({});
    const entries = log.entries();
    expect(entries.map((e) => [e.resourceId, e.outcome, e.error])).toEqual([
      ['p1', 'dropped', 'subscription deleted'],
      ['p2', 'dropped', 'subscription deleted'],
      ['p3', 'dropped', 'subscription deleted'],
    ]);
    expect(log.counters.dropped).toBe(3);
    d.close();
  });

  it('after close() nothing is queued any more', async () => {
    const { d, log } = dispatcher();
    d.close();
    expect(d.enqueue(target(), { topic: 'PlaceUpdated', resourceId: 'p', body: '{}' })).toBeUndefined();
    await d.idle();
    expect(log.counters.enqueued).toBe(0);
  });
});
