// The parent side: forks a server child, waits for `listening on <url>`, asks for its RSS, stops it.
import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { RssReport } from '../servers/child.js';

export interface ReadyInfo {
  url: string;
  loadMs?: number;
  rssBefore?: number;
  rssAfterLoad?: number;
  rssAfterGc?: number;
  heapUsedAfterGc?: number;
  sizes?: Record<string, number>;
}

export interface ServerProcess {
  url: string;
  ready: ReadyInfo;
  /** ms from fork to the `listening on` line. */
  readyMs: number;
  rss(): Promise<RssReport>;
  /** Restarts the sampled RSS peak; answers the report as it was just before. */
  resetPeak(): Promise<RssReport>;
  /** Sends `{type, ...payload}` and waits for the child's message of that type. */
  ask(type: string, payload: Record<string, unknown>): Promise<unknown>;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 5_000;

export function serverScript(name: string): string {
  return fileURLToPath(new URL(`../servers/${name}.js`, import.meta.url));
}

function request<T>(child: ChildProcess, type: string, payload: Record<string, unknown> = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`server child did not answer "${type}" within 5 s`));
    }, 5000);
    const onMessage = (message: { type?: string }) => {
      if (message?.type !== type) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message as T);
    };
    child.on('message', onMessage);
    child.send({ ...payload, type });
  });
}

/** Forks `dist/bench/servers/<name>.js` with `args`; resolves once it printed `listening on <url>`. */
export async function startServer(name: string, args: string[] = [], options: { env?: NodeJS.ProcessEnv; execArgv?: string[] } = {}): Promise<ServerProcess> {
  const started = performance.now();
  const child = fork(serverScript(name), args, {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, ...options.env },
    execArgv: options.execArgv ?? [],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const readyInfo = new Promise<ReadyInfo>((resolve) => {
    const onMessage = (message: { type?: string }) => {
      if (message?.type !== 'ready') return;
      child.off('message', onMessage);
      resolve(message as unknown as ReadyInfo);
    };
    child.on('message', onMessage);
  });
  const readyLine = new Promise<{ url: string; ms: number }>((resolve) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /^listening on (\S+)/.exec(line);
      if (match) resolve({ url: match[1]!, ms: performance.now() - started });
    });
  });

  let timer: NodeJS.Timeout | undefined;
  const failure = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} ${args.join(' ')}: no "listening on" line within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
    child.once('exit', (code, signal) => reject(new Error(`${name} ${args.join(' ')} exited before it was ready (code ${code}, signal ${signal})`)));
  });
  failure.catch(() => undefined);

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(killer);
  };

  try {
    const [line, ready] = await Promise.race([Promise.all([readyLine, readyInfo]), failure]);
    return {
      url: line.url,
      ready,
      readyMs: line.ms,
      rss: () => request<RssReport>(child, 'rss'),
      resetPeak: () => request<RssReport>(child, 'reset-peak'),
      ask: (type, payload) => request<unknown>(child, type, payload),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
