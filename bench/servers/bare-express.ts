// Baseline: a bare Express 5 app with one route answering the captured mock body (same app settings as the mock:
// no x-powered-by, no ETag), so the ratio shows what the mock's own middleware and work cost.
import express from 'express';
import type { AddressInfo } from 'node:net';
import { baselineResponse } from './baseline-body.js';
import { announce, serveParent } from './child.js';

const { body, contentType } = baselineResponse();

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.get('/v1/parking/places/:id', (_req, res) => {
  res.set('Content-Type', contentType);
  res.send(body);
});

const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  announce(`http://127.0.0.1:${port}`);
});
server.keepAliveTimeout = 5000;
serveParent(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);
