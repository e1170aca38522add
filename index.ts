// The programmatic API of apds-conformance.
export { startMockPlatform, type RunningMockPlatform, type StartOptions } from './mock/server.js';
export { createApp, type AppOptions } from './mock/app.js';
export { MockPlatform, type MockPlatformOptions } from './mock/platform.js';
export { VirtualClock } from './mock/clock.js';
export { loadOpenApi, specDigest } from './spec/index.js';
