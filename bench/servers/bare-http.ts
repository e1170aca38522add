// Baseline: a bare node:http server answering every request with the captured mock body.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { baselineResponse } from './baseline-body.js';
import { announce, serveParent } from './child.js';

const { body, contentType } = baselineResponse();
const length = String(body.length);

const server = createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': length });
  res.end(body);
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  announce(`http://127.0.0.1:${port}`);
});
serveParent(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);
