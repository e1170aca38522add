// Which roles may call each operation, read from our OpenAPI document (independently of mock/auth), so that the
// access-control tests expect what the document says and a change to the document changes the expectations.
import type { OpenApiDocument } from '../../spec/index.js';
import type { Role } from '../../mock/auth/clients.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
export type Method = (typeof METHODS)[number];

export interface SecuredOperation {
  method: Method;
  /** Path template as in the document, e.g. `/sessions/{id}`. */
  path: string;
  operationId: string;
  /** Scopes named by the oAuth requirements of `security` (the contract's roles). */
  scopes: Role[];
  /** `x-lenient-scopes`: roles the mock also admits unless it runs with strict scopes. */
  lenientScopes: Role[];
  /** The security schemes the operation accepts (alternatives), e.g. `oAuth`, `apdsAccessToken`. */
  schemes: string[];
}

/** Every operation whose effective `security` (its own, else the document's) is not empty. */
export function securedOperations(doc: OpenApiDocument): SecuredOperation[] {
  const out: SecuredOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const security: Array<Record<string, string[]>> = op.security ?? doc.security ?? [];
      if (security.length === 0) continue;
      // An empty requirement object makes credentials optional: such an operation is not secured.
      if (security.some((requirement) => Object.keys(requirement).length === 0)) continue;
      const scopes = [...new Set(security.flatMap((requirement) => requirement.oAuth ?? []))] as Role[];
      const schemes = [...new Set(security.flatMap((requirement) => Object.keys(requirement)))];
      out.push({ method, path, operationId: op.operationId, scopes, lenientScopes: (op['x-lenient-scopes'] ?? []) as Role[], schemes });
    }
  }
  return out;
}

/** The roles that hold one of the operation's scopes in the given mode. */
export function allowedRoles(op: SecuredOperation, options: { strictScopes: boolean }): Set<Role> {
  return new Set([...op.scopes, ...(options.strictScopes ? [] : op.lenientScopes)]);
}

export const operationKey = (op: { method: string; path: string }) => `${op.method.toUpperCase()} ${op.path}`;
