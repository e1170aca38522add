// Runs one check: its calls, assertions and evidence; a thrown CheckOutcome ends it with that status.
import { isDeepStrictEqual } from 'node:util';
import type { Party } from './credentials.js';
import { TargetError, type CallOptions, type Reply, type TargetClient } from './http-client.js';
import type { CheckResult, CheckStatus, Evidence, Exchange } from './model.js';
import type { ResponseValidator } from './schema-check.js';
import type { CheckContext, CheckMeta } from './suite.js';

export class CheckOutcome extends Error {
  override readonly name = 'CheckOutcome';
  constructor(
    readonly status: Exclude<CheckStatus, 'passed'>,
    message: string,
    readonly detail?: { expected?: unknown; actual?: unknown },
  ) {
    super(message);
  }
}

export async function runCheck(
  meta: CheckMeta,
  body: (c: CheckContext) => Promise<void>,
  deps: { client: TargetClient; validator: ResponseValidator; timeoutMs: number; dialect?: 'spec' | 'flows' },
): Promise<CheckResult> {
  const evidence: Evidence = { exchanges: [] };
  const waived: string[] = [];
  const notes: string[] = [];
  const started = performance.now();
  const fail = (message: string, detail?: { expected?: unknown; actual?: unknown }): never => {
    throw new CheckOutcome('failed', message, detail);
  };

  const ctx: CheckContext = {
    async call(party: Party | 'anonymous', method: string, path: string, options?: CallOptions): Promise<Reply> {
      try {
        const reply = await deps.client.call(party, method, path, options);
        evidence.exchanges.push(reply.exchange);
        return reply;
      } catch (err) {
        const exchange = (err as { exchange?: Exchange }).exchange;
        if (exchange) evidence.exchanges.push(exchange);
        if (err instanceof TargetError) throw new CheckOutcome('errored', err.message);
        throw err;
      }
    },
    expectStatus(reply, ...expected) {
      if (!expected.includes(reply.status)) {
        const why = reply.body && typeof reply.body === 'object' && 'message' in reply.body ? `: ${String((reply.body as { message: unknown }).message)}` : '';
        fail(`${reply.exchange.request.method} ${new URL(reply.exchange.request.url).pathname} answered ${reply.status}${why}, expected ${expected.join(' or ')}`, { expected, actual: reply.status });
      }
    },
    expect(condition, message, detail) {
      if (!condition) fail(message, detail);
    },
    expectEqual(actual, expected, message) {
      if (!isDeepStrictEqual(actual, expected)) fail(message, { expected, actual });
    },
    expectSchema(reply, method, pathTemplate) {
      // The flows dialect answers objects in the sample flows' shapes, which the NPP schemas do not describe;
      // its errors (ResponseStatus) are the same in both dialects and are still validated.
      if (deps.dialect === 'flows' && reply.status < 300) {
        notes.push(`${method.toUpperCase()} ${pathTemplate} ${reply.status}: flows-dialect answer, not validated against the NPP schema`);
        return;
      }
      const contentType = reply.headers['content-type'] ?? '';
      if (reply.body !== undefined && !/^application\/([\w.+-]+\+)?json\b/i.test(contentType)) {
        fail(`answer of ${method.toUpperCase()} ${pathTemplate} is labelled ${contentType || '(no Content-Type)'}, not application/json`, { expected: 'application/json', actual: contentType || '(none)' });
      }
      const result = deps.validator.check(method, pathTemplate, reply.status, reply.body);
      if (result.undocumented) {
        notes.push(`${method.toUpperCase()} ${pathTemplate} ${reply.status}: no response schema in ${deps.validator.source}`);
        return;
      }
      for (const w of result.waived) waived.push(`${w.path} ${w.message} (${w.waiver})`);
      if (result.violations.length) {
        fail(`answer of ${method.toUpperCase()} ${pathTemplate} does not match the schema: ${result.violations.slice(0, 3).map((v) => `${v.path} ${v.message}`).join('; ')}${result.violations.length > 3 ? ` (+${result.violations.length - 3} more)` : ''}`, {
          expected: `a valid ${reply.status} answer of ${method.toUpperCase()} ${pathTemplate}`,
          actual: result.violations,
        });
      }
    },
    expectComponent(value, schemaName, message) {
      const { violations, waived: excused } = deps.validator.checkComponent(schemaName, value);
      for (const w of excused) waived.push(`${w.path} ${w.message} (${w.waiver})`);
      if (violations.length) fail(`${message}: ${violations.slice(0, 3).map((v) => `${v.path} ${v.message}`).join('; ')}`, { expected: `a valid ${schemaName}`, actual: violations });
    },
    expectErrorStatus(reply, ...statuses) {
      ctx.expectStatus(reply, ...statuses);
      const b = reply.body as { status?: unknown; code?: unknown } | undefined;
      if (!b || typeof b !== 'object' || String(b.status).toLowerCase() !== 'error') {
        return fail(`the ${reply.status} answer is not a ResponseStatus with status "error"`, { expected: { status: 'error', code: reply.status }, actual: reply.body });
      }
      if (b.code !== undefined && b.code !== reply.status) fail(`ResponseStatus code ${String(b.code)} differs from the HTTP status ${reply.status}`, { expected: reply.status, actual: b.code });
    },
    record(exchange) {
      evidence.exchanges.push(exchange);
    },
    note(text) {
      notes.push(text);
    },
    fail,
    precondition(message) {
      throw new CheckOutcome('failed', `precondition not met: ${message}`);
    },
    skip(reason) {
      throw new CheckOutcome('skipped', reason);
    },
  };

  let status: CheckStatus = 'passed';
  let message: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      body(ctx),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new CheckOutcome('errored', `check did not finish within ${deps.timeoutMs} ms`)), deps.timeoutMs);
      }),
    ]);
  } catch (err) {
    if (err instanceof CheckOutcome) {
      status = err.status;
      message = err.message;
      if (err.detail) {
        evidence.expected = err.detail.expected;
        evidence.actual = err.detail.actual;
      }
    } else {
      status = 'errored';
      message = `the check itself failed: ${(err as Error).stack ?? String(err)}`;
    }
  } finally {
    clearTimeout(timer);
  }
  if (notes.length || waived.length) evidence.notes = [...notes, ...waived.map((w) => `waived: ${w}`)];
  return {
    id: meta.id,
    title: meta.title,
    requirement: meta.requirement,
    severity: meta.severity ?? 'MUST',
    status,
    message,
    waived: waived.length ? `${waived.length} contract defect${waived.length > 1 ? 's' : ''} waived` : undefined,
    durationMs: Math.round(performance.now() - started),
    evidence,
  };
}
