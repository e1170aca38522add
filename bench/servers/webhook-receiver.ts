// The far end of the fan-out benchmark, in its own child process: a bare node:http webhook receiver that answers 200
// at once, and the client that PUTs the session. Both live here so that the stamp a PUT carries and the receipt of
// its deliveries are read from one clock (performance.now() of this process, sub-ms), and so that neither is delayed
// by the parent, whose event loop is busy driving autocannon.
//
// Deliveries: any request to /s/<n>. Latency = receipt (body complete) − the body's "x-bench-sent-at".
// Control (JSON; from the parent only, a handful of calls per run):
//   POST /__ctl/reset                                   forget what was received
//   GET  /__ctl/stats                                   what was received (counts, latency percentiles)
//   POST /__ctl/sequence {target, count, expected, waitMs}
//        `count` updates one after another; each waits (≤ waitMs) until its `expected` deliveries arrived
//   POST /__ctl/burst {target, count, expected, waitMs}
//        `count` updates back to back (each PUT awaited, not its deliveries), then waits (≤ waitMs) for them all
//   POST /__ctl/updater/start {target, ratePerS, maxS}  PUTs at a fixed rate (never two at once) until stopped or maxS
//   POST /__ctl/updater/stop                            stops it; answers its counts
// target = {url, headers?, session}: the session is PUT to url with "x-bench-sent-at" set at the moment of sending.
import http from 'node:http';
import { announce, serveParent } from './child.js';
import { record, reset, stats } from './webhook-receipts.js';
import { burst, sequence, startUpdater, stopUpdater, updaterRunning } from './webhook-sender.js';

export type { ReceiverStats } from './webhook-receipts.js';
export type { PutStats, SequenceResult, UpdaterResult } from './webhook-sender.js';

const readBody = (req: http.IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const sendJson = (res: http.ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

const control: Record<string, (body: any) => unknown> = {
  'POST /__ctl/reset': () => (reset(), { ok: true }),
  'GET /__ctl/stats': () => stats(),
  'POST /__ctl/sequence': sequence,
  'POST /__ctl/burst': burst,
  'POST /__ctl/updater/start': startUpdater,
  'POST /__ctl/updater/stop': stopUpdater,
};

const server = http.createServer((req, res) => {
  if (req.url?.startsWith('/s/')) {
    readBody(req).then(
      (body) => {
        const atMs = performance.now();
        res.writeHead(200, { 'content-length': '0' });
        res.end();
        record(req, body, atMs);
      },
      () => res.destroy(),
    );
    return;
  }
  const handler = control[`${req.method} ${req.url}`];
  if (!handler) return sendJson(res, 404, { error: `no route ${req.method} ${req.url}` });
  readBody(req)
    .then((text) => handler(text ? JSON.parse(text) : {}))
    .then(
      (out) => sendJson(res, 200, out),
      (err: Error) => sendJson(res, 400, { error: err.message }),
    );
});
// the mock's fetch keeps its connections (one per subscription) alive between updates
server.keepAliveTimeout = 60_000;

server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  announce(`http://127.0.0.1:${address.port}`);
});
serveParent(async () => {
  if (updaterRunning()) await stopUpdater();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
