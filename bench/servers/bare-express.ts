// Baseline: a bare Express 5 app (same app settings as the mock: no x-powered-by, no ETag) answering recorded bytes,
// so a ratio shows what the mock's own middleware and work cost. It starts with the mock's GET /places/{id} answer;
// the parent can hand it the answer of another scenario ({type: 'answer', method, route, status, contentType,
// bodyB64}), which it then gives to every request of that method on that route (one route layer, as a bare app has).
import express, { type Request, type Response } from 'express';
import type { AddressInfo } from 'node:net';
import { baselineResponse } from './baseline-body.js';
import { announce, serveParent } from './child.js';

interface Answer {
  status: number;
  contentType: string;
  body: Buffer;
}

const app = express();
app.disable('x-powered-by');
app.set('etag', false);

const answers = new Map<string, Answer>();
const answerOn = (method: 'get' | 'post', route: string, answer: Answer) => {
  const key = `${method} ${route}`;
  if (!answers.has(key)) {
    app[method](route, (_req: Request, res: Response) => {
      const current = answers.get(key)!;
      res.status(current.status);
      res.set('Content-Type', current.contentType);
      res.send(current.body);
    });
  }
  answers.set(key, answer);
};

const { body, contentType } = baselineResponse();
answerOn('get', '/v1/parking/places/:id', { status: 200, contentType, body });

process.on('message', (message: { type?: string; method?: string; route?: string; status?: number; contentType?: string; bodyB64?: string }) => {
  if (message?.type !== 'answer') return;
  const method = message.method === 'POST' ? 'post' : 'get';
  answerOn(method, message.route!, { status: message.status!, contentType: message.contentType!, body: Buffer.from(message.bodyB64!, 'base64') });
  process.send?.({ type: 'answer' });
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
