// Mutation tests of the conformance harness: deliberately broken platforms (the mock with one planted defect each,
// test/support/mutants.ts) must make the harness fail (verdict "fail", what the CLI turns into exit 1) with the
// right check failing. A mutant the harness is known to let through is `it.fails`, its reason in the test's name:
// the gap stays visible, and the test turns red once the missing check is added (then drop its `gap`).
// The unmutated mock, behind the same wrapper, passes every suite used here. Kill table: docs/mutation-testing.md.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { devCredentials } from '../harness/credentials.js';
import type { CheckResult, RunResult } from '../harness/model.js';
import { runSuites } from '../harness/runner.js';
import { ResponseValidator } from '../harness/schema-check.js';
import type { SuiteDefinition } from '../harness/suite.js';
import { ALL_SUITES } from '../suites/index.js';
import { runCli } from './support/cli-process.js';
import { MUTANTS, mutantNamed, startTarget, type Mutant } from './support/mutants.js';

const validator = ResponseValidator.ours();

async function judge(suites: readonly SuiteDefinition[], mutant: Mutant | undefined, callbackTimeoutMs: number): Promise<RunResult> {
  const target = await startTarget(mutant);
  try {
    return await runSuites({ target: `${target.url}/v1/parking`, credentials: devCredentials(), suites, validator, callbackTimeoutMs, timeoutMs: 10_000 });
  } finally {
    await target.close();
  }
}

const notPassed = (result: RunResult): CheckResult[] => result.suites.flatMap((s) => s.checks).filter((c) => c.status === 'failed' || c.status === 'errored');
const describeChecks = (checks: readonly CheckResult[]) => checks.map((c) => `  ${c.id} [${c.severity}] ${c.status}: ${(c.message ?? '').slice(0, 200)}`).join('\n') || '  (none)';

interface Outcome {
  mutant: Mutant;
  verdict: string;
  failed: string[];
  killed: boolean;
}
const outcomes: Outcome[] = [];

describe('mutation tests: the harness catches deliberately broken platforms', () => {
  afterAll(() => {
    if (!outcomes.length) return;
    const killed = outcomes.filter((o) => o.killed).length;
    const rows = outcomes.map((o) => `${o.killed ? 'KILLED  ' : 'SURVIVED'} ${o.mutant.name.padEnd(28)} expected ${o.mutant.checks.join(', ').padEnd(9)} failed: ${o.failed.join(', ') || '-'}`);
    console.log(`mutation kill rate: ${killed}/${outcomes.length} (${((killed / outcomes.length) * 100).toFixed(0)}%)\n${rows.join('\n')}`);
  });

  it('control: the unmutated mock (behind the same wrapper) passes every suite the mutants use', async () => {
    const used = new Set(MUTANTS.flatMap((m) => m.suites));
    const suites = ALL_SUITES.filter((s) => used.has(s));
    const result = await judge(suites, undefined, 5000);
    const failed = notPassed(result);
    expect(failed, `the control did not pass:\n${describeChecks(failed)}`).toEqual([]);
    expect(result.summary.verdict).toBe('pass');
    expect(result.suites.map((s) => s.id)).toEqual(suites.map((s) => s.id));
  }, 30_000);

  for (const mutant of MUTANTS) {
    const title = `${mutant.name}: ${mutant.defect} → ${mutant.checks.join(', ')} fails`;
    const test = async () => {
      const result = await judge(mutant.suites, mutant, mutant.callbackTimeoutMs ?? 1500);
      const failed = notPassed(result);
      const ids = failed.map((c) => c.id);
      const killed = result.summary.verdict === 'fail' && mutant.checks.every((id) => ids.includes(id));
      outcomes.push({ mutant, verdict: result.summary.verdict, failed: ids, killed });
      const context = `mutant ${mutant.name} (${mutant.defect}), suites ${mutant.suites.map((s) => s.id).join(', ')}; failing checks:\n${describeChecks(failed)}`;
      expect(result.summary.verdict, `verdict should be fail (exit 1): ${context}`).toBe('fail');
      for (const id of mutant.checks) expect(ids, `${id} should fail: ${context}`).toContain(id);
    };
    if (mutant.gap) it.fails(`SURVIVES, harness gap (${mutant.gap}): ${title}`, test, 30_000);
    else it(title, test, 30_000);
  }

  // A survivor must still be a real defect: shown over HTTP, or by its (SHOULD) check failing while the verdict passes.
  for (const mutant of MUTANTS.filter((m) => m.gap)) {
    it(`${mutant.name}: the surviving defect is real (${mutant.witness ? 'witnessed over HTTP' : `${mutant.checks.join(', ')} fails, verdict pass`})`, async () => {
      if (mutant.witness) {
        const witness = mutant.witness;
        const attempt = async (m: Mutant | undefined) => {
          const target = await startTarget(m);
          try {
            await witness(target);
          } finally {
            await target.close();
          }
        };
        await attempt(mutant);
        await expect(attempt(undefined), 'the witness must not see the defect in the unmutated mock').rejects.toThrow();
        return;
      }
      const result = await judge(mutant.suites, mutant, mutant.callbackTimeoutMs ?? 1500);
      const failed = notPassed(result);
      expect(failed.map((c) => c.id), describeChecks(failed)).toEqual(expect.arrayContaining([...mutant.checks]));
      expect(result.summary.verdict, 'only non-MUST checks catch it').toBe('pass');
    }, 30_000);
  }

  it('at least 20 distinct mutants, at least 20 of them expected to be killed', () => {
    expect(new Set(MUTANTS.map((m) => m.name)).size).toBe(MUTANTS.length);
    expect(MUTANTS.length).toBeGreaterThanOrEqual(20);
    expect(MUTANTS.filter((m) => !m.gap).length).toBeGreaterThanOrEqual(20);
  });

  it('the real CLI exits 1 against a mutant (no-401-without-credentials, security suite), SEC-01 failing', async () => {
    const target = await startTarget(mutantNamed('no-401-without-credentials'));
    const out = mkdtempSync(join(tmpdir(), 'apds-mutant-'));
    try {
      const run = await runCli(['test', '--target', `${target.url}/v1/parking`, '--suite', 'security', '--format', 'json', '--out', out], 45_000);
      expect(run.code, `exit code; stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(1);
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RunResult;
      expect(report.summary.verdict).toBe('fail');
      expect(notPassed(report).map((c) => c.id)).toContain('SEC-01');
    } finally {
      await target.close();
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
