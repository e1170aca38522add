// Domain errors of the store: the HTTP layer maps them to status codes; the store itself knows no HTTP.

export type StoreErrorKind = 'not-found' | 'conflict' | 'stale-version' | 'invalid-reference';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
  ) {
    super(message);
  }
}
