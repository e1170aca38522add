// The seed's request bodies (fixtures/payloads), read fresh for each use.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../spec/package-root.js';

export function payload(name: string): any {
  return JSON.parse(readFileSync(join(packageRoot(), 'fixtures', 'payloads', name), 'utf8'));
}
