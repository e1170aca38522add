// The protocol, security, robustness and generative suites against a fresh in-process mock: all pass, twice in a
// row on the same mock; and generated payloads are a function of the seed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devCredentials } from '../harness/credentials.js';
import type { RunResult } from '../harness/model.js';
import { runSuites } from '../harness/runner.js';
import { ResponseValidator } from '../harness/schema-check.js';
import { startMockPlatform, type RunningMockPlatform } from '../mock/server.js';
import { schemaRegistry } from '../spec/index.js';
import { compareSent, generatePayloads, invalidVariants, type GenKind } from '../suites/generate.js';
import { generative } from '../suites/generative.js';
import { protocol } from '../suites/protocol.js';
import { robustness } from '../suites/robustness.js';
import { security } from '../suites/security.js';

/**
 * Checks that fail because of known mock bugs (reported, not fixed here). Remove an entry once the mock is fixed:
 * the test then insists that the check passes.
 * - ROB-11: a body nested 10 000 levels deep answers 500: mock/http/body.ts forbiddenKeyPath recurses once per
 *   level (RangeError: Maximum call stack size exceeded).
 */
const KNOWN_MOCK_BUGS = new Set(['ROB-11']);

const SUITES = [protocol, security, robustness, generative];

function notPassed(result: RunResult) {
  return result.suites.flatMap((s) => s.checks).filter((c) => c.status !== 'passed').map((c) => ({ id: c.id, status: c.status, message: c.message }));
}

describe('protocol, security, robustness and generative suites against the mock', () => {
  let mock: RunningMockPlatform;
  const run = (seed?: number) =>
    runSuites({ target: `${mock.url}/v1/parking`, credentials: devCredentials(), suites: SUITES, validator: ResponseValidator.ours(), seed });

  beforeAll(async () => {
    mock = await startMockPlatform();
  });
  afterAll(async () => {
    await mock?.close();
  });

  it('every check passes, twice in a row on the same mock', async () => {
    for (const seed of [4242, 4242]) {
      const result = await run(seed);
      const unexpected = notPassed(result).filter((c) => !KNOWN_MOCK_BUGS.has(c.id));
      expect(unexpected).toEqual([]);
      expect(result.suites.map((s) => s.id)).toEqual(['protocol', 'security', 'robustness', 'generative']);
      expect(result.summary.total).toBeGreaterThanOrEqual(45);
      for (const id of KNOWN_MOCK_BUGS) expect(result.suites.flatMap((s) => s.checks).some((c) => c.id === id)).toBe(true);
    }
  }, 60_000);

  it('the generative suite stays fast (about 1-3 s; the bound leaves room for a loaded machine)', async () => {
    const result = await runSuites({ target: `${mock.url}/v1/parking`, credentials: devCredentials(), suites: [generative], validator: ResponseValidator.ours(), seed: 99 });
    expect(notPassed(result)).toEqual([]);
    expect(result.suites[0]!.durationMs).toBeLessThan(6000);
  }, 30_000);
});

describe('generated payloads', () => {
  const refs = {
    parent: { id: '220001', version: 1, layer: 1 },
    places: [{ id: 'P-1', version: 1 }],
    rates: [{ id: 'R-1', version: 1 }],
    specs: [{ id: 'S-1', version: 1 }],
    rights: [{ id: 'A-1', version: 2 }],
  };
  const kinds: Array<[GenKind, string]> = [
    ['places', 'HierarchyElement'],
    ['rates', 'RateTable'],
    ['rightSpecs', 'RightSpecification'],
    ['assignedRights', 'AssignedRight'],
    ['sessions', 'Session'],
  ];
  const ids = (kind: string) => [1, 2, 3, 4, 5].map((i) => `${kind}-${i}`);

  it.each(kinds)('the same seed gives the same %s payloads, another seed others', (kind) => {
    const a = generatePayloads(kind, { seed: 1234, count: 5, ids: ids(kind), refs });
    const b = generatePayloads(kind, { seed: 1234, count: 5, ids: ids(kind), refs });
    const c = generatePayloads(kind, { seed: 1235, count: 5, ids: ids(kind), refs });
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(invalidVariants(kind, a[0]!, 1234)).toEqual(invalidVariants(kind, b[0]!, 1234));
  });

  it.each(kinds)('%s payloads are valid %s objects with the given ids and references, and no server-owned fields', (kind, schema) => {
    const payloads = generatePayloads(kind, { seed: 7, count: 5, ids: ids(kind), refs });
    for (const [i, p] of payloads.entries()) {
      expect(schemaRegistry().validate(schema, p)).toEqual([]);
      expect([p.id, p.version]).toEqual([`${kind}-${i + 1}`, 1]);
      for (const owned of ['hierarchyElementRecord', 'childIds', 'rightSpecifications', 'issuer', 'assignedRightIssuer', 'initiator', 'operatorBackendUrl']) expect(p).not.toHaveProperty(owned);
    }
    if (kind === 'places') expect(payloads.every((p) => p.parentId.id === '220001' && p.layer === 2)).toBe(true);
    if (kind === 'rightSpecs') expect(payloads.every((p) => p.hierarchyElements[0].id === 'P-1')).toBe(true);
    if (kind === 'assignedRights') expect(payloads.every((p) => p.rightSpecification.id === 'S-1')).toBe(true);
    if (kind === 'sessions') {
      for (const p of payloads) {
        expect(p.hierarchyElement.id).toBe('P-1');
        expect(p.segments.every((seg: any) => seg.assignedRight.id === 'A-1' && Date.parse(seg.actualStart) >= Date.parse(p.actualStart))).toBe(true);
        if (p.actualEnd) expect(Date.parse(p.actualEnd)).toBeGreaterThanOrEqual(Date.parse(p.actualStart));
      }
    }
  });

  it.each(kinds)('every invalid %s variant violates the %s schema', (kind, schema) => {
    const [payload] = generatePayloads(kind, { seed: 11, count: 1, ids: ids(kind), refs });
    const variants = invalidVariants(kind, payload!, 11);
    expect(variants.map((v) => v.mutation)).toHaveLength(3);
    for (const v of variants) expect(schemaRegistry().validate(schema, v.body), v.mutation).not.toEqual([]);
  });

  it('compareSent ignores added members and instant spellings, and finds changed or missing ones', () => {
    const sent = { id: 'x', at: '2021-11-01T13:05:00Z', list: [{ a: 1 }], nested: { b: 'c' } };
    expect(compareSent(sent, { ...sent, at: '2021-11-01T13:05:00.000Z', extra: true, list: [{ a: 1, added: 2 }] })).toEqual([]);
    expect(compareSent(sent, { ...sent, list: [], nested: { b: 'd' } }).map((m) => m.path)).toEqual(['/list', '/nested/b']);
    expect(compareSent(sent, { id: 'x', list: [{ a: 1 }], nested: { b: 'c' } }).map((m) => m.path)).toEqual(['/at']);
  });
});
