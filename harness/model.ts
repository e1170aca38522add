// The harness's result model: what a run found, read-only, shared by the runner and every reporter.
// Reporters read it; they never see the runner's internals. Bump RESULT_SCHEMA_VERSION on incompatible changes.

export const RESULT_SCHEMA_VERSION = 1;

export type Severity = 'MUST' | 'SHOULD' | 'INFO';

/** passed / failed (the platform did not conform) / errored (the check itself could not run) / skipped. */
export type CheckStatus = 'passed' | 'failed' | 'errored' | 'skipped';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

export interface RecordedResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
  durationMs: number;
}

/** One HTTP exchange or callback the check relied on. */
export interface Exchange {
  label?: string;
  /** `outbound`: the harness called the target; `inbound`: the target called the harness (a callback). */
  direction: 'outbound' | 'inbound';
  request: RecordedRequest;
  response?: RecordedResponse;
  error?: string;
}

export interface Evidence {
  exchanges: Exchange[];
  expected?: unknown;
  actual?: unknown;
  notes?: string[];
}

export interface CheckResult {
  /** Stable id, e.g. UC2-03. */
  id: string;
  title: string;
  /** What it traces to: a use-case step or a spec section. */
  requirement: string;
  severity: Severity;
  status: CheckStatus;
  message?: string;
  /** Violations excused as known defects of the contract (listed in the evidence notes); the status says the rest. */
  waived?: string;
  durationMs: number;
  evidence: Evidence;
}

export interface SuiteResult {
  id: string;
  title: string;
  description: string;
  checks: CheckResult[];
  durationMs: number;
}

export interface Summary {
  total: number;
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
  /** Checks of severity MUST that failed or errored: any makes the verdict `fail`. */
  mustFailures: number;
  /** passed / (total - skipped), 0..1. */
  score: number;
  verdict: 'pass' | 'fail';
}

export interface RunResult {
  schemaVersion: typeof RESULT_SCHEMA_VERSION;
  tool: { name: string; version: string };
  target: string;
  role: 'platform' | 'sp' | 'operator';
  dialect: 'spec' | 'flows';
  spec: { source: string; digest: string };
  seed: number;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  suites: SuiteResult[];
  summary: Summary;
  /** Per suite id. */
  suiteSummaries: Record<string, Summary>;
}

export function summarise(checks: readonly CheckResult[]): Summary {
  const count = (s: CheckStatus) => checks.filter((c) => c.status === s).length;
  const passed = count('passed');
  const failed = count('failed');
  const errored = count('errored');
  const skipped = count('skipped');
  // Waivers only excuse some violations of a check; a check that still failed counts.
  const mustFailures = checks.filter((c) => c.severity === 'MUST' && (c.status === 'failed' || c.status === 'errored')).length;
  const scored = checks.length - skipped;
  return { total: checks.length, passed, failed, errored, skipped, mustFailures, score: scored ? passed / scored : 1, verdict: mustFailures ? 'fail' : 'pass' };
}

/** Deep-freezes a result so reporters cannot change what another reporter reads. */
export function freeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) freeze(v);
  }
  return value;
}

/** A finished run's result: summaries computed from its suites, the whole deep-frozen for the reporters. */
export function buildRunResult(run: Omit<RunResult, 'schemaVersion' | 'summary' | 'suiteSummaries' | 'tool'> & { tool?: RunResult['tool'] }): RunResult {
  return freeze({
    schemaVersion: RESULT_SCHEMA_VERSION,
    ...run,
    tool: run.tool ?? { name: 'apds-conformance', version: '0.0.0' },
    summary: summarise(run.suites.flatMap((s) => s.checks)),
    suiteSummaries: Object.fromEntries(run.suites.map((s) => [s.id, summarise(s.checks)])),
  });
}
