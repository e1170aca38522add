// A small client of the platform for the simulated peers: client-credentials token, cached until it expires.

export interface PeerCredentials {
  clientId: string;
  clientSecret: string;
}

export interface PlatformAnswer {
  status: number;
  body: any;
}

export class PlatformClient {
  #token: { value: string; expiresAt: number } | undefined;

  constructor(
    readonly baseUrl: string,
    readonly credentials?: PeerCredentials,
  ) {}

  async #authorization(signal?: AbortSignal): Promise<Record<string, string>> {
    if (!this.credentials) return {};
    if (!this.#token || this.#token.expiresAt < Date.now() + 5000) {
      const basic = Buffer.from(`${this.credentials.clientId}:${this.credentials.clientSecret}`).toString('base64');
      const res = await fetch(`${this.baseUrl}/auth`, {
        method: 'POST',
        headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
        signal,
      });
      const body = (await res.json()) as { access_token?: string; expires_in?: number; error_description?: string };
      if (!res.ok || !body.access_token) throw new Error(`token for ${this.credentials.clientId} refused: ${body.error_description ?? res.status}`);
      this.#token = { value: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 60) * 1000 };
    }
    return { Authorization: `Bearer ${this.#token.value}` };
  }

  async request(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<PlatformAnswer> {
    const headers: Record<string, string> = { Accept: 'application/json', ...(await this.#authorization(signal)) };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed };
  }
}
