// The server side of the parent ↔ server-child protocol: RSS sampled every 100 ms, answered over IPC.
// Protocol: the child prints `listening on <url>`; the parent sends {type: 'rss'} and gets {type: 'rss', …}.

export interface RssReport {
  type: 'rss';
  /** RSS now, bytes. */
  current: number;
  /** Highest RSS seen by the 100 ms sampler since the start (or the last reset), bytes. */
  peakSampled: number;
  /** The kernel's high-water mark (getrusage ru_maxrss), bytes; never reset. */
  maxRss: number;
  /** CPU time the process used so far (user + system), µs: per-request cost that CPU contention distorts less than req/s. */
  cpuUs: number;
}

let peak = process.memoryUsage.rss();
const sample = () => {
  const rss = process.memoryUsage.rss();
  if (rss > peak) peak = rss;
};
setInterval(sample, 100).unref();

export function rssReport(): RssReport {
  sample();
  const cpu = process.cpuUsage();
  return { type: 'rss', current: process.memoryUsage.rss(), peakSampled: peak, maxRss: process.resourceUsage().maxRSS * 1024, cpuUs: cpu.user + cpu.system };
}

/** Sends `info` to the parent (if any) and prints the ready line; call once the server accepts connections. */
export function announce(url: string, info: Record<string, unknown> = {}): void {
  process.send?.({ type: 'ready', url, ...info });
  process.stdout.write(`listening on ${url}\n`);
}

/** Answers the parent's RSS requests and stops cleanly on SIGTERM / parent disconnect. */
export function serveParent(close: () => Promise<void>): void {
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'rss') process.send?.(rssReport());
    if (message?.type === 'reset-peak') {
      peak = process.memoryUsage.rss();
      process.send?.({ ...rssReport(), type: 'reset-peak' });
    }
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop);
}
