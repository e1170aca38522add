// The use-case suites (UC1–UC5) against a fresh in-process mock platform, twice in a row on the same platform:
// every check must pass both times (the suites use fresh ids and VRMs per run, so they can run again and again).
import { afterEach, describe, expect, it } from 'vitest';
import { devCredentials } from '../harness/credentials.js';
import type { RunResult } from '../harness/model.js';
import { runSuites } from '../harness/runner.js';
import { ResponseValidator } from '../harness/schema-check.js';
import { startMockPlatform, type RunningMockPlatform } from '../mock/server.js';
import { uc1 } from '../suites/uc1-availability.js';
import { uc2 } from '../suites/uc2-payment-on-arrival.js';
import { uc3 } from '../suites/uc3-check-in-out.js';
import { uc4 } from '../suites/uc4-anpr.js';
import { uc5 } from '../suites/uc5-pay-on-departure.js';

let mock: RunningMockPlatform | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

function failures(result: RunResult): string[] {
  return result.suites.flatMap((s) => s.checks.filter((c) => c.status !== 'passed').map((c) => `${c.id} ${c.status}: ${c.message ?? ''}`));
}

async function twice(dialect: 'spec' | 'flows', suites = [uc1, uc2, uc3, uc4, uc5]) {
  mock = await startMockPlatform({ dialect });
  const validator = ResponseValidator.ours();
  for (const run of [1, 2]) {
    const result = await runSuites({ target: `${mock.url}/v1/parking`, credentials: devCredentials(), suites, validator, dialect });
    const failed = failures(result);
    expect(failed, `run ${run} (${dialect}): ${failed.length} check(s) did not pass:\n${failed.join('\n')}`).toEqual([]);
    expect(result.suites.map((s) => s.id)).toEqual(suites.map((s) => s.id));
    expect(result.summary.total, `run ${run}: no checks ran`).toBeGreaterThan(0);
  }
}

describe('use-case suites against the mock platform', () => {
  it('UC1–UC5 pass twice in a row on one platform (spec dialect)', () => twice('spec'), 90_000);

  // In the flows dialect the harness validates error answers only (the NPP schemas do not describe flows shapes).
  it('UC1–UC5 pass twice in a row on one platform (flows dialect)', () => twice('flows'), 90_000);
});
