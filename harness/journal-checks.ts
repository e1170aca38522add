// The scoring of `report --from-journal`: one check per request for routes, bodies and status classes, and one per
// use-case step for coverage.
import type { StepSignature } from './journal-steps.js';
import type { Classified, JournalEntry } from './journal-traffic.js';
import type { CheckResult, Severity } from './model.js';

const pad = (seq: number) => String(seq).padStart(6, '0');
const label = (e: JournalEntry) => `${e.method} ${e.path}`;

export function routeCheck(c: Classified): CheckResult {
  const { entry } = c;
  const base = { id: `ROUTE-${pad(entry.seq)}`, title: label(entry), requirement: 'contract operations of spec/openapi.yaml (paths and methods)', severity: 'MUST' as Severity, durationMs: Math.round(entry.durationMs), evidence: { exchanges: [c.exchange] } };
  if (!c.route) {
    return { ...base, status: 'failed', message: `no API route ${c.path} in the contract`, evidence: { ...base.evidence, expected: 'a path of the contract (under / or /v1/parking)', actual: entry.path } };
  }
  if (!c.operationId) {
    const allowed = [...c.route.operations.keys()];
    return { ...base, status: 'failed', message: `${c.route.template} has no ${entry.method} operation (it has ${allowed.join(', ')})`, evidence: { ...base.evidence, expected: allowed, actual: entry.method } };
  }
  if (entry.status === 405) return { ...base, status: 'failed', message: `the platform answered 405: ${entry.method} is not allowed on ${entry.path}` };
  return { ...base, status: 'passed', message: `${entry.method} ${c.route.template} (${c.operationId})` };
}

const REFUSED_BODY = new Set([400, 413, 415, 422]);

export function bodyCheck(c: Classified): CheckResult | undefined {
  const { entry } = c;
  const violations = entry.violations ?? [];
  const hasBody = entry.body !== undefined || entry.bodyOmitted !== undefined;
  const writes = ['POST', 'PUT', 'PATCH'].includes(entry.method);
  if (!hasBody && !violations.length && !writes) return undefined;
  const notes = [...(entry.warnings ?? []).map((w) => `the platform repaired the input: ${w}`)];
  if (entry.bodyOmitted) notes.push(`the journal did not keep the body (${entry.bodyOmitted})`);
  const base = {
    id: `BODY-${pad(entry.seq)}`,
    title: `${label(entry)} request body`,
    requirement: c.operationId ? `request schema of ${c.operationId}` : 'request schema of the contract',
    severity: 'MUST' as Severity,
    durationMs: Math.round(entry.durationMs),
  };
  const evidence = { exchanges: [c.exchange], ...(notes.length ? { notes } : {}) };
  if (violations.length) {
    const shown = violations.slice(0, 3).map((v) => `${v.path} ${v.message}`).join('; ');
    return { ...base, status: 'failed', message: `${violations.length} violation${violations.length > 1 ? 's' : ''} recorded: ${shown}${violations.length > 3 ? ` (+${violations.length - 3} more)` : ''}`, evidence: { ...evidence, expected: `a valid request of ${c.operationId ?? label(entry)}`, actual: violations } };
  }
  if (REFUSED_BODY.has(entry.status) && (hasBody || writes)) {
    return { ...base, status: 'failed', message: `the platform refused the request with ${entry.status} (malformed JSON, wrong media type, too large, or a rule beyond the schema)`, evidence: { ...evidence, expected: 'an accepted body', actual: entry.status } };
  }
  if (!hasBody) return { ...base, status: 'skipped', message: `${entry.method} without a body: nothing to validate`, evidence };
  return { ...base, status: 'passed', message: notes.length ? `no violations recorded (${entry.warnings?.length ?? 0} repaired input${entry.warnings?.length === 1 ? '' : 's'})` : 'no violations recorded', evidence };
}

/** 4xx answers that a correct client can meet in an ordinary flow (a lookup of a gone id, a lost race) count as SHOULD. */
const SOFT_CLIENT_ERRORS = new Set([404, 409, 410, 412, 428, 429]);

export function statusCheck(c: Classified): CheckResult {
  const { entry } = c;
  const cls = Math.floor(entry.status / 100);
  const base = { id: `STATUS-${pad(entry.seq)}`, title: `${label(entry)} → ${entry.status}`, requirement: 'the platform accepted the request (status class 2xx)', durationMs: Math.round(entry.durationMs), evidence: { exchanges: [c.exchange] } };
  if (cls === 2 || cls === 3 || cls === 1) return { ...base, severity: 'MUST', status: 'passed', message: `${entry.status}` };
  if (cls === 4) {
    const severity: Severity = SOFT_CLIENT_ERRORS.has(entry.status) ? 'SHOULD' : 'MUST';
    const why = entry.status === 401 ? 'not authenticated' : entry.status === 403 ? 'not allowed for this client' : entry.status === 404 ? 'not found' : entry.status === 409 ? 'conflict' : 'refused';
    return { ...base, severity, status: 'failed', message: `the platform answered ${entry.status} (${why})`, evidence: { ...base.evidence, expected: '2xx', actual: entry.status } };
  }
  return { ...base, severity: 'INFO', status: 'errored', message: `the platform answered ${entry.status}: a platform failure, not the client's; this request cannot be judged` };
}

const MAX_STEP_EXCHANGES = 10;

export function stepCheck(step: StepSignature, traffic: Classified[]): CheckResult {
  const seen = traffic.filter((c) => {
    if (!c.route || !step.methods.includes(c.entry.method) || !step.templates.includes(c.route.template)) return false;
    if (step.query && !step.query(c.entry.query ?? {})) return false;
    if (step.body && (c.entry.body === undefined || !step.body(c.entry.body))) return false;
    return true;
  });
  const base = { id: step.id, title: step.title, requirement: `${step.requirement}: ${step.match}`, severity: step.severity, durationMs: 0 };
  const shown = (list: Classified[]) => ({
    exchanges: list.slice(0, MAX_STEP_EXCHANGES).map((c) => c.exchange),
    ...(list.length > MAX_STEP_EXCHANGES ? { notes: [`${list.length - MAX_STEP_EXCHANGES} more matching requests not shown`] } : {}),
  });
  if (!seen.length) return { ...base, status: 'skipped', message: `not exercised: no ${step.match} in the journal`, evidence: { exchanges: [] } };
  const ok = seen.filter((c) => c.entry.status < 400);
  const clientErrors = seen.filter((c) => c.entry.status >= 400 && c.entry.status < 500);
  const statuses = [...new Set(seen.map((c) => c.entry.status))].sort((a, b) => a - b);
  if (ok.length) {
    return { ...base, status: 'passed', message: `covered by ${ok.length} request${ok.length > 1 ? 's' : ''} (${seen.length} matching, statuses ${statuses.join(', ')})`, evidence: shown([...ok, ...seen.filter((c) => !ok.includes(c))]) };
  }
  if (clientErrors.length) {
    return { ...base, status: 'failed', message: `seen ${seen.length} time${seen.length > 1 ? 's' : ''}, never accepted: statuses ${statuses.join(', ')}`, evidence: { ...shown(seen), expected: 'at least one 2xx answer', actual: statuses } };
  }
  return { ...base, status: 'errored', message: `seen ${seen.length} time${seen.length > 1 ? 's' : ''}, and the platform failed each time (statuses ${statuses.join(', ')})`, evidence: shown(seen) };
}
