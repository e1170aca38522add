// `apds-conformance report --from-journal <mock url>`: judges a client by the traffic it sent to the mock platform.
// It reads the mock's request journal over HTTP (GET /__admin/journal; the harness never imports mock/) or from a
// saved JSON file, and turns it into the same RunResult the `test` command writes, one suite per category:
//   traffic-routes    every API request names a contract operation (method + path template of spec/openapi.yaml)
//   traffic-bodies    every request body was valid: the mock recorded no schema violations and did not refuse it
//   traffic-status    the answer's status class: 2xx/3xx pass, 4xx fail (the client sent something wrong), 5xx errored
//   traffic-usecases  the NPP use-case steps (UC1..UC5 of the sample flows) the traffic covered
// Exit code like `test`: 0 every MUST check passed, 1 one failed, 2 the report could not be made.
import { loadOpenApi, specDigest, specPath, type OpenApiDocument } from '../spec/index.js';
import { bodyCheck, routeCheck, statusCheck, stepCheck } from './journal-checks.js';
import { USE_CASE_STEPS } from './journal-steps.js';
import { apiPath, contractRoutes, exchangeOf, isAdmin, type Classified, type JournalEntry } from './journal-traffic.js';
import { buildRunResult, type CheckResult, type RunResult, type SuiteResult } from './model.js';

export { USE_CASE_STEPS, type StepSignature } from './journal-steps.js';
export { apiPath, type Journal, type JournalEntry } from './journal-traffic.js';

export interface JournalReportOptions {
  /** Where the journal came from (shown as the report's target). */
  source: string;
  /** Base URL of the mock, used to show each request as a full URL. @default '' */
  baseUrl?: string;
  /** Only the requests of this client id. */
  clientId?: string;
  /** What the client under test is. @default 'sp' */
  role?: RunResult['role'];
  dialect?: RunResult['dialect'];
  tool?: { name: string; version: string };
  /** The contract whose operations the requests are scored against. @default ours */
  document?: OpenApiDocument;
  spec?: { source: string; digest: string };
  /** Journal capacity, to say when older requests may have been dropped. */
  capacity?: number;
}


function suite(id: string, title: string, description: string, checks: CheckResult[]): SuiteResult {
  return { id, title, description, checks, durationMs: checks.reduce((t, c) => t + c.durationMs, 0) };
}

/** Scores the journal's API requests (oldest first) as a RunResult: pure, deterministic for the same journal. */
export function journalToResult(entries: readonly JournalEntry[], options: JournalReportOptions): RunResult {
  const doc = options.document ?? loadOpenApi();
  const routes = contractRoutes(doc);
  const baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
  const api = [...entries]
    .filter((e) => !isAdmin(e.path) && (!options.clientId || e.clientId === options.clientId))
    .sort((a, b) => a.seq - b.seq);
  const traffic: Classified[] = api.map((entry) => {
    const path = apiPath(entry.path);
    const route = routes.find((r) => r.pattern.test(path));
    return { entry, exchange: exchangeOf(entry, baseUrl), path, route, operationId: route?.operations.get(entry.method.toUpperCase()) };
  });

  const first = api[0];
  const dropped = options.capacity && first && first.seq > 1 ? ` The journal keeps the last ${options.capacity} requests; ${first.seq - 1} earlier ones are gone.` : '';
  const who = options.clientId ? `client ${options.clientId}` : 'every client';
  const suites: SuiteResult[] = [
    suite('traffic-routes', 'Routes and methods', `Each API request of ${who} names an operation of the contract: a known path (at / or /v1/parking) and a method it defines.${dropped}`, traffic.map(routeCheck)),
    suite('traffic-bodies', 'Request validity', `Each request with a body (and each the platform found violations in) passed the platform's schema validation.${dropped}`, traffic.map(bodyCheck).filter((c): c is CheckResult => c !== undefined)),
    suite('traffic-status', 'Status classes', `The status the platform answered each request with: 2xx passes, 4xx fails (404, 409 and similar as SHOULD), 5xx is the platform's fault and cannot be judged.${dropped}`, traffic.map(statusCheck)),
    suite('traffic-usecases', 'Use-case coverage', 'The client-side steps of the NPP sample flows (UC1–UC5) seen in the traffic: a step passes when one of its requests was accepted, fails when it was only refused (4xx), and is skipped when never exercised.', USE_CASE_STEPS.map((s) => stepCheck(s, traffic))),
  ];
  const times = api.map((e) => Date.parse(e.time)).filter((t) => !Number.isNaN(t));
  const started = times.length ? Math.min(...times) : 0;
  const finished = times.length ? Math.max(...times) : 0;
  return buildRunResult({
    tool: options.tool,
    target: options.source,
    role: options.role ?? 'sp',
    dialect: options.dialect ?? 'spec',
    spec: options.spec ?? { source: specPath(), digest: specDigest() },
    seed: 0,
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date(finished).toISOString(),
    durationMs: finished - started,
    suites,
  });
}

// --- the command --------------------------------------------------------------------------------------------------
