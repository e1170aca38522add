// The simulated operator back end: holds its car park's sessions (UC5: BD18SMR open at 220001), answers the
// platform's forwarded queries (also with the sessions its organisation reported to the platform, when it knows the
// platform), takes payment confirmations (marks the session paid), and can drive UC4 (ANPR).
import express, { type Express } from 'express';
import { isObject, type Json } from '../dialect/common.js';
import { credentialKey } from '../dialect/credentials.js';
import { Recorder } from './recorder.js';
import { PlatformClient, type PeerCredentials } from './platform-client.js';
import { reportedSessions } from './reported-sessions.js';

export interface OperatorBackendOptions {
  /** The platform's API base (…/v1/parking) for driving UC4. */
  platformUrl?: string;
  credentials?: PeerCredentials;
  /** Sessions the car park knows (flows or spec shape); default: UC5's open BD18SMR session at 220001. */
  sessions?: Json[];
}

export const UC5_OPEN_SESSION: Json = {
  id: 'fe5eea6a-4be3-46fa-b037-20f04334ccdd',
  version: 1,
  actualStart: '2021-11-01T13:05:00Z',
  credentials: [{ identifier: { id: 'BD18SMR', className: 'UKNumberPlate' }, type: 'licensePlate' }],
  segments: [
    {
      id: '9323f1a7-ac48-4ab1-a141-7381373583ca',
      version: 1,
      actualStart: '2021-11-01T13:05:00Z',
      validationType: ['licensePlate'],
      financialTransactions: [{ segmentValue: 10.8, taxIncluded: true }],
    },
  ],
  hierarchyElement: { id: '220001', version: 1 },
};

const credentialsOf = (s: Json): Json[] => (Array.isArray(s.credentials) ? s.credentials : Array.isArray(s.identifiedCredentials) ? s.identifiedCredentials : []);
const epochOf = (v: unknown, now: number): number | undefined => (v === 'now' ? now : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) * 1000 : undefined);

export interface OperatorBackend {
  app: Express;
  recorder: Recorder;
  sessions: Map<string, Json & { paymentStatus?: string }>;
}

export function createOperatorBackend(options: OperatorBackendOptions = {}): OperatorBackend {
  const recorder = new Recorder();
  const sessions = new Map<string, Json>((options.sessions ?? [UC5_OPEN_SESSION]).map((s) => [s.id, structuredClone(s)]));
  const platform = options.platformUrl ? new PlatformClient(options.platformUrl, options.credentials) : undefined;
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.use(recorder.router());
  app.use(recorder.middleware());

  app.get('/sessions', async (req, res) => {
    const now = Date.now();
    const q = req.query as Record<string, string | undefined>;
    const vrm = q.credential_id ?? q.identifier_id;
    const places = q.place?.split(',');
    const startBefore = epochOf(q.start_before, now);
    const endAfter = epochOf(q.end_after, now);
    const data = [...sessions.values()].filter((s) => {
      if (vrm && !credentialsOf(s).some((c) => isObject(c.identifier) && credentialKey(c.identifier.id) === credentialKey(vrm))) return false;
      if (places && !places.includes(s.hierarchyElement?.id)) return false;
      if (startBefore !== undefined && !(Date.parse(s.actualStart) <= startBefore)) return false;
      if (endAfter !== undefined && s.actualEnd !== undefined && Date.parse(s.actualEnd) < endAfter) return false;
      return true;
    });
    if (platform) {
      try {
        const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
        // The back end's own record of a session (e.g. marked paid) is the operator's truth; the platform's copy
        // only stands in for sessions it never held.
        for (const s of await reportedSessions(platform, query)) {
          if (isObject(s) && !sessions.has(s.id) && (!places || places.includes(s.hierarchyElement?.id))) data.push(s);
        }
      } catch (err) {
        // Still an answer (what the back end holds), as a real back end would give with its feed down.
        res.setHeader('X-Peer-Catch-Up-Failed', (err as Error).message.replace(/[^\x20-\x7e]/g, ' ').slice(0, 200));
      }
    }
    res.json({ meta: { referenceInstant: Math.floor(now / 1000), offset: 0, pageSize: 100, total: data.length }, data });
  });

  app.get('/sessions/:id', (req, res) => {
    const session = sessions.get(String(req.params.id));
    if (!session) return void res.status(404).json({ status: 'error', code: 404, message: `session ${req.params.id} unknown to the operator` });
    res.json(session);
  });

  // UC5.4: the platform forwards the SP's payment confirmation; a collected transaction marks the session paid.
  app.put('/sessions/:id', (req, res) => {
    const body = req.body as Json;
    if (!isObject(body)) return void res.status(400).json({ status: 'error', code: 400, message: 'body must be a session' });
    const paid = (body.segments ?? []).some((s: Json) => (s?.financialTransactions ?? []).some((t: Json) => typeof t?.dateCollected === 'string'));
    const id = String(req.params.id);
    sessions.set(id, { ...body, id, paymentStatus: paid ? 'paid' : (sessions.get(id)?.paymentStatus ?? 'open') });
    res.json({ status: 'ok', code: 200, message: `session ${id} ${paid ? 'paid' : 'updated'}` });
  });

  // UC4 driven by the operator: VRM lookup, session start, session completion.
  app.post('/__peer/drive/anpr', async (req, res) => {
    if (!platform) return void res.status(409).json({ status: 'error', code: 409, message: 'start the operator peer with a platform URL to drive UC4' });
    const { vrm = 'BD18SMR', place = '220001', sessionId = crypto.randomUUID(), entry = '2021-11-01T13:05:00Z', exit, segmentValue } = (req.body ?? {}) as Json;
    const steps: Json[] = [];
    const lookup = await platform.request('GET', `/rights/assigned?identifier_id=${encodeURIComponent(vrm)}&place=${encodeURIComponent(place)}`);
    steps.push({ step: 'UC4.2 VRM lookup', status: lookup.status, total: lookup.body?.meta?.total });
    const right = lookup.body?.data?.[0];
    if (!right) return void res.json({ steps, outcome: 'no assigned right: barrier stays closed' });
    const session: Json = {
      id: sessionId,
      version: 1,
      actualStart: entry,
      credentials: [{ identifier: { id: vrm, className: 'UKNumberPlate' }, type: 'licensePlate' }],
      segments: [{ id: `${sessionId}-1`, version: 1, actualStart: entry, validationType: ['licensePlate'], assignedRight: { id: right.id, version: right.version } }],
      hierarchyElement: { id: place, version: 1 },
    };
    const created = await platform.request('POST', '/sessions', session);
    steps.push({ step: 'UC4.3 session started', status: created.status });
    sessions.set(sessionId, session);
    if (exit) {
      const completed = { ...session, actualEnd: exit, segments: [{ ...session.segments[0], actualEnd: exit, financialTransactions: [{ segmentValue: segmentValue ?? 10.8, taxIncluded: true }] }] };
      const put = await platform.request('PUT', `/sessions/${encodeURIComponent(sessionId)}`, completed);
      steps.push({ step: 'UC4.5 session completed', status: put.status });
      sessions.set(sessionId, completed);
    }
    res.json({ steps, sessionId, assignedRight: right.id, outcome: 'session reported' });
  });

  return { app, recorder, sessions };
}
