// A thin JSON client over global fetch, for tests that talk to a mock running in a child process.

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: any;
}

export type JsonClient = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<JsonResponse>;

/** A client for `baseUrl`; `defaults` go on every request (e.g. credentials), `headers` per call add to them. */
export function jsonClient(baseUrl: string, defaults: Record<string, string> = {}): JsonClient {
  return async (method, path, body, extra = {}) => {
    const headers = { ...defaults, ...extra };
    const res = await fetch(baseUrl + path, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text so the assertion shows it
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
}
