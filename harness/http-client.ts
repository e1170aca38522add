// The harness's only way to the system under test: HTTP, every exchange recorded as evidence.
import type { Credentials, CredentialSpec, Party } from './credentials.js';
import type { Exchange } from './model.js';

export interface CallOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Sent as is (malformed JSON, oversize bodies); overrides `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
  label?: string;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: any;
  exchange: Exchange;
}

const REDACT = /^(authorization|x-mcc-access-token)$/i;

function redact(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, REDACT.test(k) ? `${v.slice(0, 12)}…(redacted)` : v]));
}

export class TargetError extends Error {
  override readonly name = 'TargetError';
}

export class TargetClient {
  readonly #tokens = new Map<Party, { value: string; expiresAt: number }>();

  constructor(
    /** Base URL of the API, e.g. http://127.0.0.1:4010/v1/parking. */
    readonly baseUrl: string,
    readonly credentials: Credentials,
    readonly timeoutMs = 10_000,
  ) {}

  url(path: string, query?: CallOptions['query']): string {
    const url = new URL(this.baseUrl.replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  organisation(party: Party): string | undefined {
    return this.credentials[party]?.organisation;
  }

  /** Authentication headers for a party; `anonymous` sends none. */
  async authHeaders(party: Party | 'anonymous'): Promise<Record<string, string>> {
    if (party === 'anonymous') return {};
    const spec: CredentialSpec | undefined = this.credentials[party];
    if (!spec || spec.type === 'none') return {};
    if (spec.type === 'bearer') return { Authorization: `Bearer ${spec.token}` };
    if (spec.type === 'apiKey') return { [spec.header ?? 'X-MCC-Access-Token']: spec.token };
    const cached = this.#tokens.get(party);
    if (cached && cached.expiresAt > Date.now() + 5000) return { Authorization: `Bearer ${cached.value}` };
    const tokenUrl = /^https?:\/\//.test(spec.tokenUrl) ? spec.tokenUrl : this.url(spec.tokenUrl);
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (spec.scope) form.set('scope', spec.scope);
    let res: Response;
    try {
      res = await fetch(tokenUrl, {
        method: 'POST',
        headers: { Authorization: `Basic ${Buffer.from(`${spec.clientId}:${spec.clientSecret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new TargetError(`cannot get a token for ${party} at ${tokenUrl}: ${(err as Error).message}`);
    }
    const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error_description?: string };
    if (!res.ok || !body.access_token) throw new TargetError(`token for ${party} (${spec.clientId}) refused by ${tokenUrl}: ${res.status} ${body.error_description ?? ''}`.trim());
    this.#tokens.set(party, { value: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 300) * 1000 });
    return { Authorization: `Bearer ${body.access_token}` };
  }

  async call(party: Party | 'anonymous', method: string, path: string, options: CallOptions = {}): Promise<Reply> {
    const url = this.url(path, options.query);
    const headers: Record<string, string> = { Accept: 'application/json', ...(await this.authHeaders(party)), ...options.headers };
    let payload: string | undefined = options.rawBody;
    if (payload === undefined && options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
    const exchange: Exchange = {
      label: options.label,
      direction: 'outbound',
      request: { method, url, headers: redact(headers), body: options.rawBody !== undefined ? truncate(options.rawBody) : options.body },
    };
    const started = performance.now();
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body: payload, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      exchange.error = e.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : `${e.cause?.code ?? e.message}`;
      throw Object.assign(new TargetError(`${method} ${url}: ${exchange.error}`), { exchange });
    }
    const text = await res.text();
    let body: unknown = text === '' ? undefined : text;
    try {
      if (text) body = JSON.parse(text);
    } catch {
      // not JSON: the body stays text, and checks that expect JSON say so
    }
    const responseHeaders = Object.fromEntries(res.headers.entries());
    exchange.response = { status: res.status, headers: responseHeaders, body: typeof body === 'string' ? truncate(body) : body, durationMs: Math.round(performance.now() - started) };
    return { status: res.status, headers: responseHeaders, body, exchange };
  }
}

function truncate(text: string, max = 2000): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}
