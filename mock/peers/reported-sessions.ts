// The sessions the operator's organisation has reported to the platform, as its back end catches up on them before
// answering a forwarded query. The back end plays the same operator as whoever posts sessions with the operator's
// credentials (the harness's `po`, an ANPR system): a real operator's back end knows every session its car parks
// report, so a query forwarded about one of them must find it (seed 000 UC4.3 reports, UC5.2 asks the operator).
import type { Json } from '../dialect/common.js';
import type { PlatformClient } from './platform-client.js';

/** Below the platform's 5 s forwarding deadline, so a slow platform leaves time to answer from what is held. */
const CATCH_UP_TIMEOUT_MS = 2000;
const MAX_PAGES = 20;

/**
 * The platform's sessions matching a forwarded query, asked with the operator's own credentials (so only sessions
 * at its own places come back). The query goes without `place`: with it, the platform would forward the question
 * back here. The caller filters by place; every other filter (VRM, time window with the platform's clock) is the
 * platform's.
 */
export async function reportedSessions(platform: PlatformClient, forwardedQuery: string): Promise<Json[]> {
  const params = new URLSearchParams(forwardedQuery);
  params.delete('place');
  params.delete('page');
  const signal = AbortSignal.timeout(CATCH_UP_TIMEOUT_MS);
  const found: Json[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    params.set('page', String(page));
    const answer = await platform.request('GET', `/sessions?${params}`, undefined, signal);
    if (answer.status !== 200 || !Array.isArray(answer.body?.data)) throw new Error(`GET /sessions on the platform answered ${answer.status}`);
    found.push(...answer.body.data);
    const total = answer.body.meta?.total;
    if (answer.body.data.length === 0 || typeof total !== 'number' || found.length >= total) break;
  }
  return found;
}
