// Test helpers: an in-process app per test (supertest, no port) with a pinned clock.
import request from 'supertest';
import { createApp } from '../../mock/app.js';
import { MockPlatform, type MockPlatformOptions } from '../../mock/platform.js';

export const SEED_NOW = '2023-06-25T10:35:00Z';

export function makeApp(options: MockPlatformOptions = {}) {
  const platform = new MockPlatform({ clock: SEED_NOW, auth: false, ...options });
  const unexpected: unknown[] = [];
  const app = createApp(platform, { onUnexpectedError: (err) => unexpected.push(err) });
  return { platform, app, http: request(app), unexpected };
}

/** Deep copy of the store, to prove a rejected request changed nothing. */
export function snapshot(platform: MockPlatform): string {
  return JSON.stringify(platform.dump());
}
