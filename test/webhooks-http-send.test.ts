// The dispatcher's node:http sender against real sockets on loopback: answers, slow answers (timeout, headers
// in time but a stalled body too), resets and refusals each come back as the dispatcher needs them.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { httpSend } from '../mock/events/http-send.js';

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); })));
});

async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const send = (url: string, timeoutMs = 300) => httpSend(url, { method: 'PUT', headers: { 'Content-Type': 'application/json', 'X-NPP-Event-Id': 'e1' }, body: '{"a":1}', timeoutMs });

describe('httpSend', () => {
  it('sends method, headers and body, and answers the status', async () => {
    let seen: { method?: string; id?: string; body?: string } = {};
    const url = await serve((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen = { method: req.method, id: req.headers['x-npp-event-id'] as string, body };
        res.writeHead(503).end('busy');
      });
    });
    expect(await send(`${url}/hook`)).toEqual({ status: 503 });
    expect(seen).toEqual({ method: 'PUT', id: 'e1', body: '{"a":1}' });
  });

  it('times out when no answer comes, and when the body stalls after the headers', async () => {
    const silent = await serve(() => {});
    await expect(send(silent)).rejects.toMatchObject({ name: 'TimeoutError' });
    const stalling = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Length': '10' });
      res.write('12');
    });
    await expect(send(stalling)).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('reports a reset and a refused connection by their codes', async () => {
    const resetting = await serve((req) => req.socket.destroy());
    await expect(send(resetting)).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|EPIPE/) });
    const refused = await serve(() => {});
    const port = new URL(refused).port;
    await new Promise<void>((r) => servers.pop()!.close(() => r()));
    await expect(send(`http://127.0.0.1:${port}`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
