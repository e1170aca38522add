// One outbound HTTP request for the dispatcher: node:http with keep-alive agents, which costs a fraction of
// what global fetch does per request (it matters at thousands of deliveries a second).
import http from 'node:http';
import https from 'node:https';

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

export class SendTimeout extends Error {
  override readonly name = 'TimeoutError';
}

export interface SendResult {
  status: number;
}

/** Sends and reads the whole answer; rejects with SendTimeout after `timeoutMs` (headers and body), or the socket error. */
export function httpSend(url: string, options: { method: string; headers: Record<string, string>; body: string; timeoutMs: number; signal?: AbortSignal }): Promise<SendResult> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch (err) {
      reject(err);
      return;
    }
    const transport = target.protocol === 'https:' ? https : http;
    const agent = agents[target.protocol as 'http:' | 'https:'];
    if (!agent) {
      reject(new Error(`unsupported protocol ${target.protocol}`));
      return;
    }
    const body = Buffer.from(options.body);
    const req = transport.request(target, { method: options.method, agent, signal: options.signal, headers: { ...options.headers, 'Content-Length': String(body.length) } }, (res) => {
      res.on('data', () => {});
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0 });
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    const timer = setTimeout(() => req.destroy(new SendTimeout(`no complete answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}
