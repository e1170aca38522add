// Starts the mock platform on a port: the programmatic API (`startMockPlatform`) and what the CLI uses.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadAnySpec, type AnySpec } from './any-spec/index.js';
import { createApp } from './app.js';
import type { VirtualClock } from './clock.js';
import { MockPlatform, type MockPlatformOptions } from './platform.js';
import { connectPeers, startPeers, type RunningPeers } from './peers/start.js';

export interface StartOptions extends MockPlatformOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Also start the simulated operator and SP back ends, and point the platform at them. @default false */
  withPeers?: boolean | { paymentDelayMs?: number | false };
  /**
   * Another OpenAPI 3.x / Swagger 2 document whose operations the mock also answers, statelessly, through Prism
   * (its examples; request validation; no security checks) where none of our stateful routes does.
   */
  spec?: string;
  /** With `spec`: bodies generated from the document's schemas instead of its examples. @default false */
  specDynamic?: boolean;
}

export interface RunningMockPlatform {
  /** Base URL of the contract's root paths, e.g. http://127.0.0.1:4010 (also served under /v1/parking). */
  url: string;
  platform: MockPlatform;
  clock: VirtualClock;
  /** The simulated peers, when started `withPeers`. */
  peers?: RunningPeers;
  /** The document given as `spec`, once loaded. */
  anySpec?: AnySpec;
  /** Back to the fixture set it started with, or another one by name. */
  reset(fixtures?: string | false): void;
  close(): Promise<void>;
}

/**
 * Starts a seeded, in-memory mock platform for your own tests.
 * @example
 * const mock = await startMockPlatform();
 * const res = await fetch(`${mock.url}/v1/parking/places/805428?expand=occupancy`);
 * await mock.close();
 */
export async function startMockPlatform(options: StartOptions = {}): Promise<RunningMockPlatform> {
  if (options.specDynamic && !options.spec) throw new Error('specDynamic needs spec');
  const anySpec = options.spec === undefined ? undefined : await loadAnySpec(options.spec, { dynamic: options.specDynamic });
  const platform = new MockPlatform(options);
  const app = createApp(platform, { anySpec });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(options.port ?? 0, options.host ?? '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
    s.once('error', reject);
  });
  server.keepAliveTimeout = 5000;
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  let peers: RunningPeers | undefined;
  if (options.withPeers) {
    const peerOptions = typeof options.withPeers === 'object' ? options.withPeers : {};
    peers = await startPeers({ platformUrl: `${url}/v1/parking`, host: options.host ?? '127.0.0.1', paymentDelayMs: peerOptions.paymentDelayMs });
    connectPeers(platform, peers);
  }
  return {
    url,
    platform,
    clock: platform.clock,
    peers,
    anySpec,
    reset: (fixtures) => platform.reset(fixtures),
    close: async () => {
      platform.close();
      await peers?.close();
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
