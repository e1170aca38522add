// Which operation of the --spec document a request names: by path template and method, at the operation's own
// path and under the path of each of its servers (a Swagger 2 basePath), as our API answers at / and /v1/parking.
// Pure and Prism-free, so that app.ts can ask "is this the document's?" without loading Prism.

/** The parts of an operation (Prism's IHttpOperation) that routing reads. */
export interface SpecOperation {
  method: string;
  path: string;
  servers?: ReadonlyArray<{ url: string; variables?: Record<string, { default?: unknown }> }>;
}

export type RouteMatch<Op extends SpecOperation> =
  /** `path` is relative to the matched base path; `operations` are those served under it (Prism routes among them). */
  | { kind: 'operation'; method: string; path: string; operations: Op[] }
  /** The path is the document's, the method is not: `allow` lists the document's methods for it. */
  | { kind: 'method-not-allowed'; allow: string[] };

/** Never the document's: the admin API stays ours whatever the document says. */
const RESERVED = /^\/__admin(\/|$)/;

export class RouteTable<Op extends SpecOperation> {
  /** The base paths the document's operations answer under, longest first; '' (the bare paths) always last. */
  readonly basePaths: readonly string[];
  readonly #byBase = new Map<string, Op[]>();
  readonly #patterns = new Map<Op, RegExp>();

  constructor(operations: readonly Op[]) {
    for (const op of operations) {
      this.#patterns.set(op, templatePattern(op.path));
      for (const base of new Set(['', ...(op.servers ?? []).map(serverBasePath)])) {
        const list = this.#byBase.get(base) ?? [];
        list.push(op);
        this.#byBase.set(base, list);
      }
    }
    this.basePaths = [...this.#byBase.keys()].sort((a, b) => b.length - a.length);
  }

  match(method: string, path: string): RouteMatch<Op> | undefined {
    if (RESERVED.test(path)) return undefined;
    const wanted = method.toLowerCase();
    let allow: string[] | undefined;
    for (const base of this.basePaths) {
      if (base !== '' && path !== base && !path.startsWith(`${base}/`)) continue;
      const rest = path.slice(base.length) || '/';
      const operations = this.#byBase.get(base)!;
      const methods = new Set(operations.filter((op) => this.#patterns.get(op)!.test(rest)).map((op) => op.method.toLowerCase()));
      if (methods.size === 0) continue;
      // HEAD is answered as GET (without a body) when the document has no HEAD of its own, as Express does for our routes.
      const effective = wanted === 'head' && !methods.has('head') && methods.has('get') ? 'get' : wanted;
      if (methods.has(effective)) return { kind: 'operation', method: effective, path: rest, operations };
      allow ??= [...methods].map((m) => m.toUpperCase()).sort();
    }
    return allow ? { kind: 'method-not-allowed', allow } : undefined;
  }

  /** The document has an operation for this method and path. */
  claims(method: string, path: string): boolean {
    return this.match(method, path)?.kind === 'operation';
  }
}

/** `/tariffs/{id}` → /^\/tariffs\/[^/]+$/; a parameter may also be part of a segment (`/files/{name}.json`). */
export function templatePattern(template: string): RegExp {
  const source = template
    .split(/(\{[^}/]+\})/)
    .map((part) => (/^\{[^}/]+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

/** The path of a server URL, its variables at their defaults: `https://api.example.org/v1/permits` → `/v1/permits`. */
export function serverBasePath(server: { url: string; variables?: Record<string, { default?: unknown }> }): string {
  const url = server.url.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const value = server.variables?.[name]?.default;
    return value === undefined ? whole : String(value);
  });
  let pathname: string;
  try {
    pathname = new URL(url, 'http://any-spec.invalid').pathname;
  } catch {
    return '';
  }
  // An unresolved variable in the path leaves no usable base path.
  if (/%7B|%7D/i.test(pathname)) return '';
  return pathname.replace(/\/+$/, '');
}
