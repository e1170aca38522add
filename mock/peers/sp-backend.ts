// The simulated service-provider back end: receives the platform's notifications (UC2, UC4), records them,
// answers 200, and confirms payment of a completed session after a configurable delay (UC4.7).
import express, { type Express } from 'express';
import type { Json } from '../dialect/common.js';
import { Recorder } from './recorder.js';
import { PlatformClient, type PeerCredentials, type PlatformAnswer } from './platform-client.js';

export interface SpBackendOptions {
  platformUrl?: string;
  credentials?: PeerCredentials;
  /** Confirm payment this long after a completed session arrives; `false` never. @default 1000 */
  paymentDelayMs?: number | false;
}

export interface SpBackend {
  app: Express;
  recorder: Recorder;
  /** Payment confirmations sent, with the platform's answer. */
  payments: Array<{ sessionId: string; transactionId: string; answer?: PlatformAnswer; error?: string }>;
  close(): void;
}

function needsPayment(session: Json): boolean {
  if (typeof session?.actualEnd !== 'string' && !(session?.segments ?? []).some((s: Json) => typeof s?.actualEnd === 'string')) return false;
  const transactions = (session.segments ?? []).flatMap((s: Json) => s?.financialTransactions ?? []);
  return transactions.length > 0 && transactions.every((t: Json) => t?.dateCollected === undefined);
}

export function createSpBackend(options: SpBackendOptions = {}): SpBackend {
  const recorder = new Recorder();
  const platform = options.platformUrl ? new PlatformClient(options.platformUrl, options.credentials) : undefined;
  const delay = options.paymentDelayMs ?? 1000;
  const payments: SpBackend['payments'] = [];
  const timers = new Set<NodeJS.Timeout>();
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.use(recorder.router());
  app.use(recorder.middleware());

  const confirm = async (session: Json) => {
    const transactionId = crypto.randomUUID();
    const collected = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const body = {
      ...session,
      segments: session.segments.map((s: Json) => ({
        ...s,
        financialTransactions: (s.financialTransactions ?? []).map((t: Json) => ({ ...t, dateCollected: s.actualEnd ?? session.actualEnd ?? collected, transactionId })),
      })),
    };
    try {
      const answer = await platform!.request('PUT', `/sessions/${encodeURIComponent(session.id)}`, body);
      payments.push({ sessionId: session.id, transactionId, answer });
    } catch (err) {
      payments.push({ sessionId: session.id, transactionId, error: (err as Error).message });
    }
  };

  const receive = (req: express.Request, res: express.Response) => {
    const body = req.body as Json;
    const topic = req.headers['x-npp-topic'] ?? (req.path.endsWith('/updated') ? 'SessionUpdated' : undefined);
    if (platform && delay !== false && topic === 'SessionUpdated' && needsPayment(body)) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        void confirm(body);
      }, delay);
      timers.add(timer);
    }
    res.json({ status: 'ok', code: 200, message: 'received' });
  };
  app.put('/{*path}', receive);
  app.post('/{*path}', receive);

  return {
    app,
    recorder,
    payments,
    close: () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
