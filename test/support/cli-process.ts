// The built CLI (dist/cli.js) as a real child process: run it to completion, or start the mock and wait for
// `listening on <url>`. Every process started here is tracked so that `killAllCli()` (afterEach/afterAll) can
// make sure none outlives its test, even when the test failed half-way.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../spec/package-root.js';

export const CLI_PATH = join(packageRoot(), 'dist', 'cli.js');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Settles when the process has exited (never rejects). */
  readonly exited: Promise<Exit>;
  /** Resolves with the first match of `pattern` on stdout; rejects if the process exits first or on timeout. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends `signal` and waits for the exit (SIGKILL after `timeoutMs`, and then the promise rejects). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<Exit>;
}

export interface RunningMock extends CliProcess {
  url: string;
}

const live = new Set<CliProcess>();

/**
 * At most this many CLI processes start at once (start-up is CPU-bound: loading the contract and the fixtures),
 * so tests may run concurrently without turning a small machine's start-ups into a crawl.
 */
const MAX_STARTING = 3;
let starting = 0;
const waiting: Array<() => void> = [];

async function startSlot<T>(work: () => Promise<T>): Promise<T> {
  if (starting >= MAX_STARTING) await new Promise<void>((resolve) => waiting.push(resolve));
  starting++;
  try {
    return await work();
  } finally {
    starting--;
    waiting.shift()?.();
  }
}

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  // The CLI reads PORT and HOST as defaults; tests choose explicitly.
  delete env.PORT;
  delete env.HOST;
  return env;
}

export function startCli(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): CliProcess {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run \`npm run build\` before these tests`);
  const child = spawn(process.execPath, [CLI_PATH, ...args], { cwd: options.cwd ?? packageRoot(), env: cleanEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const l of listeners) l();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<Exit>((resolve) => {
    child.once('error', (e) => {
      err += String(e);
      resolve({ code: null, signal: null });
    });
    // 'close' (not 'exit'): stdout and stderr are complete by then.
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  let done = false;
  void exited.then(() => {
    done = true;
    live.delete(proc);
    for (const l of listeners) l();
  });

  const proc: CliProcess = {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForStdout(pattern, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern} on stdout\nstdout: ${out}\nstderr: ${err}`)), timeoutMs);
        const check = () => {
          const m = pattern.exec(out);
          if (m) finish(undefined, m);
          else if (done) finish(new Error(`process exited before printing ${pattern}\nstdout: ${out}\nstderr: ${err}`));
        };
        const finish = (e?: Error, m?: RegExpMatchArray) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (e) reject(e);
          else resolve(m!);
        };
        listeners.add(check);
        check();
      });
    },
    async stop(signal = 'SIGTERM', timeoutMs = 5_000) {
      if (!done) child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const killed = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
      const result = await Promise.race([exited, killed]);
      clearTimeout(timer);
      if (result === 'timeout') {
        child.kill('SIGKILL');
        await exited;
        throw new Error(`process did not exit within ${timeoutMs} ms of ${signal}\nstdout: ${out}\nstderr: ${err}`);
      }
      return result;
    },
  };
  live.add(proc);
  return proc;
}

/** Runs the CLI to completion (SIGKILL after `timeoutMs`). */
export function runCli(args: readonly string[], timeoutMs = 10_000): Promise<Exit & { stdout: string; stderr: string }> {
  return startSlot(() => runToExit(args, timeoutMs));
}

async function runToExit(args: readonly string[], timeoutMs: number): Promise<Exit & { stdout: string; stderr: string }> {
  const proc = startCli(args);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const result = await Promise.race([proc.exited, timeout]);
  clearTimeout(timer);
  if (result === 'timeout') {
    proc.child.kill('SIGKILL');
    await proc.exited;
    throw new Error(`apds-conformance ${args.join(' ')} did not exit within ${timeoutMs} ms\nstdout: ${proc.stdout()}\nstderr: ${proc.stderr()}`);
  }
  return { ...result, stdout: proc.stdout(), stderr: proc.stderr() };
}

/** Starts `apds-conformance mock <args>` and resolves once it printed `listening on <url>`. */
export function startMock(args: readonly string[], options: { cwd?: string } = {}): Promise<RunningMock> {
  return startSlot(() => startAndWait(args, options));
}

async function startAndWait(args: readonly string[], options: { cwd?: string }): Promise<RunningMock> {
  const proc = startCli(['mock', ...args], options);
  try {
    const [, url] = await proc.waitForStdout(/^listening on (http:\/\/\S+)$/m);
    return Object.assign(proc, { url: url! });
  } catch (err) {
    proc.child.kill('SIGKILL');
    await proc.exited;
    throw err;
  }
}

/** SIGKILLs every CLI process still running and waits for them; for afterEach/afterAll. */
export async function killAllCli(): Promise<void> {
  const running = [...live];
  for (const proc of running) proc.child.kill('SIGKILL');
  await Promise.all(running.map((p) => p.exited));
}
