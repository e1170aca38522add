// Which scopes each operation needs, read from our OpenAPI document: the one source of truth for roles.
import type { OpenApiDocument } from '../../spec/index.js';
import type { Role } from './clients.js';

export interface OperationRequirement {
  operationId?: string;
  /** Scopes of which the caller needs one; `undefined` means the operation is open to anyone. */
  scopes?: ReadonlySet<Role>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** `get /places/{id}` → requirement. With lenient scopes (default) the `x-lenient-scopes` the sample flows need are added. */
export function operationRequirements(doc: OpenApiDocument, options: { strictScopes?: boolean } = {}): Map<string, OperationRequirement> {
  const out = new Map<string, OperationRequirement>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item?.[method];
      if (!op) continue;
      const security: Array<Record<string, string[]>> | undefined = op.security ?? doc.security;
      const oauth = security?.flatMap((requirement) => requirement.oAuth ?? []);
      let scopes: Set<Role> | undefined = security && security.length ? new Set(oauth as Role[]) : undefined;
      if (scopes && !options.strictScopes) for (const extra of (op['x-lenient-scopes'] ?? []) as Role[]) scopes.add(extra);
      out.set(`${method} ${path}`, { operationId: op.operationId, scopes });
    }
  }
  return out;
}
