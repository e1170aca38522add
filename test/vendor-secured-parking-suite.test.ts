// The harness suite vendor-secured-parking against the mock on a real port: every check passes, it can run again
// on the same mock (the seed replay on session 1 then skips, saying why), and it finds the API from a /v1/parking target.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSuites } from '../harness/runner.js';
import { ResponseValidator } from '../harness/schema-check.js';
import { createApp } from '../mock/app.js';
import { MockPlatform } from '../mock/platform.js';
import { vendorSecuredParking } from '../suites/vendor-secured-parking.js';

let server: Server;
let base: string;
const platform = new MockPlatform({ clock: '2023-06-25T10:35:00Z' });

beforeAll(async () => {
  server = createApp(platform).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  platform.close();
  await new Promise((resolve) => server.close(resolve));
});

const run = (target: string) => runSuites({ target, credentials: {}, suites: [vendorSecuredParking], validator: ResponseValidator.ours(), timeoutMs: 15_000 });

describe('suite vendor-secured-parking', () => {
  it('passes every check against the mock, replaying the seed example on session 1', async () => {
    const result = await run(base);
    const bad = result.suites[0]!.checks.filter((c) => c.status !== 'passed').map((c) => ({ id: c.id, status: c.status, message: c.message }));
    expect(bad).toEqual([]);
    expect(result.suites[0]!.checks.map((c) => c.id)).toEqual(Array.from({ length: 21 }, (_, i) => `VSP-${String(i + 1).padStart(2, '0')}`));
    expect(result.summary.verdict).toBe('pass');
  });

  it('runs again on the same mock, from a /v1/parking target: only the session-1 replay skips', async () => {
    const result = await run(`${base}/v1/parking`);
    const notPassed = result.suites[0]!.checks.filter((c) => c.status !== 'passed').map((c) => [c.id, c.status]);
    expect(notPassed).toEqual([['VSP-02', 'skipped']]);
    expect(result.suites[0]!.checks.find((c) => c.id === 'VSP-02')!.message).toMatch(/reset the mock/);
    expect(result.summary.verdict).toBe('pass');
    const urls = result.suites[0]!.checks.flatMap((c) => c.evidence.exchanges.map((e) => new URL(e.request.url).pathname));
    expect(urls.every((p) => p.startsWith('/api/'))).toBe(true);
  });

  it('after a reset the replay passes again', async () => {
    platform.reset();
    const result = await run(base);
    expect(result.suites[0]!.checks.find((c) => c.id === 'VSP-02')!.status).toBe('passed');
  });

  it('a target without the API fails VSP-01 with a clear precondition and skips what builds on it', async () => {
    const empty = express().use((_req, res) => void res.status(404).json({ error: 'not found' })).listen(0, '127.0.0.1');
    await new Promise((resolve) => empty.once('listening', resolve));
    try {
      const result = await run(`http://127.0.0.1:${(empty.address() as AddressInfo).port}`);
      const checks = result.suites[0]!.checks;
      expect(checks[0]).toMatchObject({ id: 'VSP-01', status: 'failed' });
      expect(checks[0]!.message).toMatch(/precondition not met: the target does not serve the secured-parking API/);
      expect(checks.find((c) => c.id === 'VSP-03')!.status).toBe('skipped');
      expect(result.summary.verdict).toBe('fail');
    } finally {
      await new Promise((resolve) => empty.close(resolve));
    }
  });
});
