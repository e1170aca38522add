// A subscriber that is down must neither block the API nor grow memory without bound, and must get every event
// once it is back (at least once, in order per resource). Real time, default delivery options (10 attempts,
// 500 ms base, 30 s cap, equal jitter): an event is given up no sooner than 60.75 s after its first try, so a
// 30 s outage is survived whatever the jitter, and the test takes about 35–60 s.
import { afterEach, describe, expect, it } from 'vitest';
import { makeApp } from './support/app.js';
import { sleep, startReceiver, waitUntil, type Received, type Receiver } from './support/receiver.js';
import { ARNDALE, bumpPlace, DEANSGATE, settle, subscribe } from './support/webhooks.js';

const receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

const OUTAGE_MS = 30_000;

/** What each resource's deliveries said, in arrival order: id → versions. */
const versionsByResource = (delivered: Received[]) => {
  const out: Record<string, number[]> = {};
  for (const d of delivered) (out[d.body.id] ??= []).push(d.body.version);
  return out;
};

describe('a subscriber down for 30 s', () => {
  it(
    'gets every event once it is back, in order per resource (one subscriber refusing connections, one answering 503)',
    async () => {
      const refusing = await startReceiver({ mode: 'refuse' });
      const failing = await startReceiver({ mode: 'error', status: 503 });
      receivers.push(refusing, failing);
      const { http, platform } = makeApp(); // default delivery options
      const refusingId = await subscribe(http, { endpoint: `${refusing.url}/hooks`, topics: ['PlaceUpdated'] });
      const failingId = await subscribe(http, { endpoint: `${failing.url}/hooks`, topics: ['PlaceUpdated'] });
      const downAt = performance.now();

      // Changes while the subscribers are down: the API answers at once every time.
      const latencies: number[] = [];
      const change = async (id: string) => {
        const t = performance.now();
        const version = await bumpPlace(http, id);
        latencies.push(performance.now() - t);
        return version;
      };
      const sent: Array<[string, number]> = [];
      for (const id of [DEANSGATE, ARNDALE, DEANSGATE, DEANSGATE, ARNDALE]) sent.push([id, await change(id)]);
      await sleep(10_000);
      sent.push([DEANSGATE, await change(DEANSGATE)]);
      await sleep(10_000);
      sent.push([ARNDALE, await change(ARNDALE)]);
      expect(Math.max(...latencies), `API latencies during the outage: ${latencies.map(Math.round).join(', ')} ms`).toBeLessThan(1000);
      expect(platform.dispatcher.backlog()).toEqual({ [refusingId]: sent.length, [failingId]: sent.length });
      expect(failing.received.length).toBeGreaterThan(5); // it was retried meanwhile
      expect(failing.delivered()).toEqual([]);

      await sleep(Math.max(0, OUTAGE_MS - (performance.now() - downAt)));
      await refusing.mode('ok');
      await failing.mode('ok');
      const backAt = performance.now();

      await waitUntil(() => refusing.delivered().length >= sent.length && failing.delivered().length >= sent.length, 35_000, 'every event delivered after the outage', 200);
      await settle(platform);
      const recoveredMs = performance.now() - backAt;

      const expected = versionsByResource(sent.map(([id, version]) => ({ body: { id, version } }) as Received));
      for (const r of [refusing, failing]) {
        const delivered = r.delivered();
        // Each event delivered exactly once (one 200 per event id), none lost.
        const ids = delivered.map((d) => d.headers['x-npp-event-id']);
        expect(new Set(ids).size).toBe(sent.length);
        expect(ids).toHaveLength(sent.length);
        // In order per resource (and here even overall, one queue per subscription).
        expect(versionsByResource(delivered)).toEqual(expected);
        expect(delivered.map((d) => `${d.body.id}@${d.body.version}`)).toEqual(sent.map(([id, v]) => `${id}@${v}`));
      }
      // The 503 subscriber saw the first event's retries with one event id and a growing attempt number.
      const firstId = failing.delivered()[0]!.headers['x-npp-event-id'];
      const attempts = failing.received.filter((r) => r.headers['x-npp-event-id'] === firstId).map((r) => Number(r.headers['x-npp-delivery-attempt']));
      expect(attempts).toEqual(attempts.map((_, i) => i + 1));
      expect(attempts.length).toBeGreaterThan(5);
      expect(attempts.length).toBeLessThanOrEqual(8);

      const log = (await http.get('/__admin/deliveries')).body;
      expect(log.counters).toMatchObject({ enqueued: 2 * sent.length, delivered: 2 * sent.length, failed: 0, dropped: 0 });
      expect(log.backlog).toEqual({});
      const refusals = log.entries.filter((e: any) => e.subscriptionId === refusingId && e.outcome === 'retrying');
      expect(refusals.length).toBeGreaterThan(5);
      expect(refusals[0].error).toBe('ECONNREFUSED');
      expect(log.entries.filter((e: any) => e.subscriptionId === failingId && e.outcome === 'retrying')[0]).toMatchObject({ status: 503, error: 'HTTP 503' });
      // The next retry after the outage brings everything (the longest wait is the last backoff, ≤ 30 s).
      expect(recoveredMs).toBeLessThan(32_000);
      platform.close();
    },
    100_000,
  );
});

describe('a full queue', () => {
  it('drops what does not fit (logged and counted) while the API keeps answering fast; what fits is delivered later', async () => {
    const hanging = await startReceiver({ mode: 'hang' });
    receivers.push(hanging);
    const { http, platform } = makeApp({ delivery: { maxQueue: 3, timeoutMs: 20_000, baseDelayMs: 50, random: () => 0.5 } });
    const id = await subscribe(http, { endpoint: `${hanging.url}/hooks`, topics: ['PlaceUpdated'] });

    const latencies: number[] = [];
    const versions: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      versions.push(await bumpPlace(http, i % 2 ? ARNDALE : DEANSGATE));
      latencies.push(performance.now() - t);
    }
    await new Promise((r) => setImmediate(r));
    // Not held up by the subscriber that never answers (its per-attempt timeout is 20 s).
    expect(Math.max(...latencies), `API latencies: ${latencies.map(Math.round).join(', ')} ms`).toBeLessThan(1000);
    expect(platform.dispatcher.backlog()).toEqual({ [id]: 3 });
    await hanging.waitFor(() => true, 1, 2000);
    expect(hanging.received).toHaveLength(1); // the first event, waiting for an answer

    const log = (await http.get('/__admin/deliveries')).body;
    expect(log.counters).toMatchObject({ enqueued: 3, dropped: 17, delivered: 0 });
    expect(log.backlog).toEqual({ [id]: 3 });
    const dropped = log.entries.filter((e: any) => e.outcome === 'dropped');
    expect(dropped).toHaveLength(17);
    for (const e of dropped) expect(e).toMatchObject({ subscriptionId: id, topic: 'PlaceUpdated', attempt: 0, error: 'queue full (3 waiting)', eventId: expect.any(String) });

    // The subscriber comes back: the first (hung) attempt fails, is retried, and the three queued events arrive in order.
    await hanging.mode('ok');
    await settle(platform);
    expect(hanging.delivered().map((d) => `${d.body.id}@${d.body.version}`)).toEqual([`${DEANSGATE}@${versions[0]}`, `${ARNDALE}@${versions[1]}`, `${DEANSGATE}@${versions[2]}`]);
    expect(platform.deliveries.counters).toMatchObject({ enqueued: 3, delivered: 3, dropped: 17, failed: 0 });
    platform.close();
  });
});
