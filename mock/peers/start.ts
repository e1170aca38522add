// Starts the simulated peers (operator and SP back ends) and, for `mock --with-peers`, points the platform at them.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { MockPlatform } from '../platform.js';
import { createOperatorBackend, type OperatorBackend } from './operator-backend.js';
import type { PeerCredentials } from './platform-client.js';
import { createSpBackend, type SpBackend } from './sp-backend.js';

export interface PeersOptions {
  /** The platform's API base, e.g. http://127.0.0.1:4010/v1/parking. */
  platformUrl?: string;
  host?: string;
  /** @default 0 */
  operatorPort?: number;
  /** @default 0 */
  spPort?: number;
  /** @default po-mcc of the dev clients */
  operatorCredentials?: PeerCredentials;
  /** @default sp-sp0001 of the dev clients */
  spCredentials?: PeerCredentials;
  /** @default 1000 */
  paymentDelayMs?: number | false;
}

export interface RunningPeers {
  operator: OperatorBackend & { url: string };
  sp: SpBackend & { url: string };
  close(): Promise<void>;
}

export const DEV_OPERATOR: PeerCredentials = { clientId: 'po-mcc', clientSecret: 'mcc-dev-secret' };
export const DEV_SP: PeerCredentials = { clientId: 'sp-sp0001', clientSecret: 'sp0001-dev-secret' };
/** The place whose operator back end the simulated operator plays (UC5). */
export const OPERATOR_PEER_PLACE = '220001';

async function listen(app: Express, port: number, host: string): Promise<{ server: Server; url: string }> {
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
    s.once('error', reject);
  });
  const { port: actual } = server.address() as AddressInfo;
  return { server, url: `http://${host}:${actual}` };
}

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

export async function startPeers(options: PeersOptions = {}): Promise<RunningPeers> {
  const host = options.host ?? '127.0.0.1';
  const operator = createOperatorBackend({ platformUrl: options.platformUrl, credentials: options.operatorCredentials ?? DEV_OPERATOR });
  const sp = createSpBackend({ platformUrl: options.platformUrl, credentials: options.spCredentials ?? DEV_SP, paymentDelayMs: options.paymentDelayMs });
  const operatorServer = await listen(operator.app, options.operatorPort ?? 0, host);
  const spServer = await listen(sp.app, options.spPort ?? 0, host);
  return {
    operator: { ...operator, url: operatorServer.url },
    sp: { ...sp, url: spServer.url },
    close: async () => {
      sp.close();
      await Promise.all([closeServer(operatorServer.server), closeServer(spServer.server)]);
    },
  };
}

/** Wires a platform to running peers: SP0001's notifications go to the SP peer, place 220001 to the operator peer. */
export function connectPeers(platform: MockPlatform, peers: RunningPeers, spClientId = DEV_SP.clientId): void {
  if (platform.clients.get(spClientId)) {
    platform.clients.setNotificationEndpoints(spClientId, {
      SessionCreated: `${peers.sp.url}/sessions/new`,
      SessionUpdated: `${peers.sp.url}/sessions/updated`,
    });
    platform.syncClientSubscriptions();
  }
  platform.forwarding.backends.set(OPERATOR_PEER_PLACE, peers.operator.url);
}
