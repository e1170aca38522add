// harness/: runs suites against a system under test over HTTP only (it never imports mock/), in order, capturing
// values between steps. A failing MUST check ends only its own use case; every suite still runs and reports.
import { randomBytes } from 'node:crypto';
import { CallbackReceiver } from './callback-receiver.js';
import { runCheck } from './check-context.js';
import type { Credentials } from './credentials.js';
import { TargetClient } from './http-client.js';
import { buildRunResult, type CheckResult, type RunResult, type SuiteResult } from './model.js';
import type { ResponseValidator } from './schema-check.js';
import type { SuiteContext, SuiteDefinition, SutRole } from './suite.js';

export interface ProgressListener {
  onSuiteStart?(suite: SuiteDefinition): void;
  onCheck?(suite: SuiteDefinition, check: CheckResult): void;
  onSuiteEnd?(suite: SuiteDefinition, result: SuiteResult): void;
}

export interface RunOptions {
  /** API base of the system under test, e.g. https://staging.example.org/v1/parking. */
  target: string;
  credentials: Credentials;
  suites: readonly SuiteDefinition[];
  validator: ResponseValidator;
  /** Report only these check ids (the checks before them in their suite still run, unreported, for state). */
  only?: readonly string[];
  role?: SutRole;
  dialect?: 'spec' | 'flows';
  seed?: number;
  /** Per check. @default 15000 */
  timeoutMs?: number;
  /** Per request. @default 10000 */
  requestTimeoutMs?: number;
  /** @default 5000 */
  callbackTimeoutMs?: number;
  /** What the target should call instead of the receiver's local address. */
  callbackUrl?: string;
  /** Where the receiver listens. @default 127.0.0.1:0 */
  callbackHost?: string;
  callbackPort?: number;
  progress?: ProgressListener;
  tool?: { name: string; version: string };
}

function runIdNow(): string {
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `act-${stamp}-${randomBytes(3).toString('hex')}`;
}

export async function runSuites(options: RunOptions): Promise<RunResult> {
  const started = new Date();
  const t0 = performance.now();
  const client = new TargetClient(options.target, options.credentials, options.requestTimeoutMs ?? 10_000);
  const receiver = new CallbackReceiver({ host: options.callbackHost, port: options.callbackPort, publicUrl: options.callbackUrl });
  await receiver.start();
  const runId = runIdNow();
  const seed = options.seed ?? Number.parseInt(randomBytes(3).toString('hex'), 16);
  const only = options.only?.length ? new Set(options.only) : undefined;
  let counter = 0;
  let vrmCounter = 0;
  const suiteResults: SuiteResult[] = [];

  try {
    for (const suite of options.suites) {
      options.progress?.onSuiteStart?.(suite);
      const suiteStarted = performance.now();
      const checks: CheckResult[] = [];
      let blockedBy: string | undefined;
      let remaining = only ? new Set([...only]) : undefined;
      const context: SuiteContext = {
        client,
        receiver,
        validator: options.validator,
        dialect: options.dialect ?? 'spec',
        runId,
        seed,
        callbackTimeoutMs: options.callbackTimeoutMs ?? 5000,
        state: new Map(),
        fresh: (kind) => `${runId}-${kind}-${++counter}`,
        freshVrm: () => {
          const n = ++vrmCounter;
          const letters = (i: number) => String.fromCharCode(65 + (i % 26));
          const r = randomBytes(4);
          return `${letters(r[0]!)}${letters(r[1]!)}${String(10 + (n % 90)).padStart(2, '0')}${letters(r[2]!)}${letters(r[3]!)}${letters(n)}`;
        },
        async check(meta, body) {
          if (remaining && remaining.size === 0) return false;
          let result: CheckResult;
          if (blockedBy && !meta.independent) {
            result = { id: meta.id, title: meta.title, requirement: meta.requirement, severity: meta.severity ?? 'MUST', status: 'skipped', message: `skipped: ${blockedBy} failed, and this step builds on it`, durationMs: 0, evidence: { exchanges: [] } };
          } else {
            result = await runCheck(meta, body, { client, validator: options.validator, timeoutMs: options.timeoutMs ?? 15_000, dialect: options.dialect });
            if (result.severity === 'MUST' && (result.status === 'failed' || result.status === 'errored')) blockedBy ??= meta.id;
          }
          if (!only || only.has(meta.id)) {
            checks.push(result);
            options.progress?.onCheck?.(suite, result);
          }
          remaining?.delete(meta.id);
          return result.status === 'passed';
        },
      };
      try {
        await suite.run(context);
      } catch (err) {
        checks.push({
          id: `${suite.id.toUpperCase()}-ERR`,
          title: `suite ${suite.id} stopped unexpectedly`,
          requirement: 'harness',
          severity: 'MUST',
          status: 'errored',
          message: (err as Error).stack ?? String(err),
          durationMs: 0,
          evidence: { exchanges: [] },
        });
      }
      remaining = undefined;
      if (only && checks.length === 0) continue;
      const result: SuiteResult = { id: suite.id, title: suite.title, description: suite.description, checks, durationMs: Math.round(performance.now() - suiteStarted) };
      suiteResults.push(result);
      options.progress?.onSuiteEnd?.(suite, result);
    }
  } finally {
    await receiver.stop();
  }

  return buildRunResult({
    tool: options.tool,
    target: options.target,
    role: options.role ?? 'platform',
    dialect: options.dialect ?? 'spec',
    spec: { source: options.validator.source, digest: options.validator.digest },
    seed,
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - t0),
    suites: suiteResults,
  });
}
