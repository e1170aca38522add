// The command line: dist/cli.js as a real child process (run `npm run build` first).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it, type TestContext } from 'vitest';
import { packageRoot } from '../spec/package-root.js';
import { killAllCli, runCli, startMock, type RunningMock } from './support/cli-process.js';
import { actor } from './support/auth.js';
import { jsonClient } from './support/fetch-json.js';

const USAGE_HINT = '(see apds-conformance mock --help)';

/** The options `mock` parses, read from the built code under test, so that an option without help text fails here. */
function mockOptionNames(): string[] {
  const source = readFileSync(join(packageRoot(), 'dist', 'mock', 'cli.js'), 'utf8');
  const block = /parseArgs\(\{[\s\S]*?options: \{([\s\S]*?)\n\s*\},\s*\n\s*strict:/.exec(source)?.[1];
  if (!block) throw new Error('cannot find the parseArgs options in dist/mock/cli.js');
  return [...block.matchAll(/^\s+'?([\w-]+)'?: \{ type:/gm)].map((m) => m[1]!);
}

// Tests run concurrently (the helpers cap how many processes start at once); each test kills what it started
// when it finishes, pass or fail, and afterAll is the last safety net.
afterAll(killAllCli);

/** Starts a mock that is SIGKILLed when the test finishes, whatever happened. */
async function ownMock(ctx: TestContext, args: readonly string[]): Promise<RunningMock> {
  const mock = await startMock(args);
  ctx.onTestFinished(async () => {
    mock.child.kill('SIGKILL');
    await mock.exited;
  });
  return mock;
}

function ownTempDir(ctx: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'apds-cli-'));
  ctx.onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe.concurrent('commands that exit', () => {
  it('--help exits 0 and lists the mock command', async ({ expect }) => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/^Usage: apds-conformance <command>/);
      expect(r.stdout).toMatch(/^ {2}mock {4,}start the stateful NPP\/APDS mock platform/m);
      expect(r.stderr).toBe('');
    }
  });

  it('no command exits 2 with the usage', async ({ expect }) => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^Usage: apds-conformance <command>/);
  });

  it('an unknown command exits 2 naming it', async ({ expect }) => {
    const r = await runCli(['frobnicate', '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^unknown command "frobnicate"/);
    expect(r.stderr).toContain('Usage: apds-conformance <command>');
    expect(r.stdout).toBe('');
  });

  it('mock --help prints every option it accepts, and exits 0 without starting', async ({ expect }) => {
    const r = await runCli(['mock', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: apds-conformance mock \[options\]/);
    expect(r.stdout).not.toMatch(/listening on/);
    const names = mockOptionNames();
    expect(names).toEqual(expect.arrayContaining(['port', 'host', 'fixtures', 'empty', 'dialect', 'clock', 'state', 'strict', 'help']));
    for (const name of names) expect(r.stdout, `--${name}`).toMatch(new RegExp(`^ {2}(-\\w, )?--${name}\\b`, 'm'));
    expect((await runCli(['mock', '-h'])).stdout).toBe(r.stdout);
  });

  it.for([
    [['--port', 'abc'], '--port must be an integer from 0 to 65535, got "abc"'],
    [['--port', '70000'], '--port must be an integer from 0 to 65535, got "70000"'],
    [['--port', '1.5'], '--port must be an integer from 0 to 65535, got "1.5"'],
    [['--dialect', 'yaml'], '--dialect must be one of spec, flows, got "yaml"'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['--empty', '--fixtures', 'uc5'], '--empty and --fixtures exclude each other'],
    [['--port'], "Option '--port <value>' argument missing"],
  ] as const)('mock %j exits 2 with a clear message', async ([args, message], { expect }) => {
    const r = await runCli(['mock', ...args]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain(USAGE_HINT);
    expect(r.stdout).not.toMatch(/listening on/);
  });

  it('mock --fixtures /nonexistent exits 1 naming the set', async ({ expect }) => {
    const r = await runCli(['mock', '--port', '0', '--fixtures', '/nonexistent']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^apds-conformance mock: fixture set "\/nonexistent" not found/);
    expect(r.stdout).not.toMatch(/listening on/);
  });

  it('mock --clock with a value that is no instant fails with a message naming it', async ({ expect }) => {
    const r = await runCli(['mock', '--port', '0', '--clock', 'yesterday']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('clock must be an ISO 8601 instant or epoch seconds, got "yesterday"');
    expect(r.stdout).not.toMatch(/listening on/);
  });
});

describe.concurrent('mock: a running server', () => {
  it('was BUG-7: a SIGTERM sent the instant "listening on" appears still stops cleanly (handlers come first)', { timeout: 60_000 }, async (ctx) => {
    const { expect } = ctx;
    for (let i = 0; i < 3; i++) {
      const mock = await ownMock(ctx, ['--port', '0']);
      const exit = await mock.stop('SIGTERM');
      expect(exit).toEqual({ code: 0, signal: null });
      expect(mock.stdout()).toMatch(/^stopped$/m);
    }
  });

  it('prints where it listens; SIGTERM stops it with exit code 0 and "stopped"', async (ctx) => {
    const { expect } = ctx;
    const mock = await ownMock(ctx, ['--port', '0']);
    expect(mock.stdout()).toMatch(/^apds-conformance mock platform \(spec dialect, clock real time\)$/m);
    expect(mock.stdout()).toMatch(/^data: 59 places, 7 rightSpecs, 1 rates, 1 assignedRights, 0 sessions$/m);
    expect(mock.stdout()).toContain(`NPP API:   ${mock.url}/   and   ${mock.url}/v1/parking/`);
    const res = await fetch(`${mock.url}/openapi.json`);
    expect(res.status).toBe(200);
    const exit = await mock.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(mock.stdout()).toMatch(/\nstopped\n$/);
    expect(mock.stderr()).toBe('');
  });

  it('SIGINT also stops it cleanly (exit 0, "stopped")', async (ctx) => {
    const { expect } = ctx;
    const mock = await ownMock(ctx, ['--port', '0']);
    expect((await fetch(`${mock.url}/openapi.json`)).status).toBe(200);
    const exit = await mock.stop('SIGINT');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(mock.stdout()).toMatch(/\nstopped\n$/);
  });

  it('--empty starts with no data: GET /places has total 0', async (ctx) => {
    const { expect } = ctx;
    const mock = await ownMock(ctx, ['--port', '0', '--empty']);
    expect(mock.stdout()).toMatch(/^data: 0 places, 0 rightSpecs, 0 rates, 0 assignedRights, 0 sessions$/m);
    const res = await jsonClient(mock.url, actor('sp-sp0001'))('GET', '/v1/parking/places');
    expect(res.status).toBe(200);
    expect(res.body.meta.total).toBe(0);
    expect(res.body.data).toEqual([]);
  });

  it('--fixtures uc5 has the open session fe5eea6a', async (ctx) => {
    const { expect } = ctx;
    const mock = await ownMock(ctx, ['--port', '0', '--fixtures', 'uc5']);
    const res = await jsonClient(mock.url, actor('ad-npp'))('GET', '/sessions/fe5eea6a-4be3-46fa-b037-20f04334ccdd');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'fe5eea6a-4be3-46fa-b037-20f04334ccdd', actualStart: '2021-11-01T13:05:00Z' });
    expect(res.body.actualEnd).toBeUndefined();
  });

  it('--clock 2021-11-01T14:15:00Z pins the clock: /__admin/clock and referenceInstant show it', async (ctx) => {
    const { expect } = ctx;
    const mock = await ownMock(ctx, ['--port', '0', '--clock', '2021-11-01T14:15:00Z']);
    expect(mock.stdout()).toContain('clock pinned at 2021-11-01T14:15:00.000Z');
    const clock = await jsonClient(mock.url)('GET', '/__admin/clock');
    expect(clock.status).toBe(200);
    expect(clock.body).toEqual({ now: '2021-11-01T14:15:00.000Z', pinned: true });
    const list = await jsonClient(mock.url, actor('sp-sp0001'))('GET', '/places?layer=0');
    expect(list.body.meta.referenceInstant).toBe(1635776100);
    // ...and it stays pinned.
    await new Promise((r) => setTimeout(r, 300));
    expect((await jsonClient(mock.url)('GET', '/__admin/clock')).body.now).toBe('2021-11-01T14:15:00.000Z');
  });

  it('--state FILE: a place created before SIGTERM is there after a restart with the same file', async (ctx) => {
    const { expect } = ctx;
    const dir = ownTempDir(ctx);
    const file = join(dir, 'state.json');
    const place = { id: 'CLI-STATE-1', version: 1, type: 'parkingPlace', layer: 0, timeZone: 'Europe/London', name: [{ language: 'en', string: 'Kept across restarts' }] };

    const first = await ownMock(ctx, ['--port', '0', '--state', file]);
    expect(first.stdout()).not.toContain('state loaded');
    const created = await jsonClient(first.url, actor('po-mcc'))('POST', '/places', place);
    expect(created.status).toBe(201);
    // Stop at once: the save is debounced, so this also proves the flush at exit.
    expect(await first.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(JSON.parse(readFileSync(file, 'utf8')).format).toBe('apds-conformance-state');

    const second = await ownMock(ctx, ['--port', '0', '--state', file]);
    expect(second.stdout()).toContain(`state loaded from ${file}`);
    expect(second.stdout()).toMatch(/^data: 60 places,/m);
    const read = await jsonClient(second.url, actor('sp-sp0001'))('GET', '/places/CLI-STATE-1');
    expect(read.status).toBe(200);
    expect(read.body.name).toEqual(place.name);
    expect(await second.stop('SIGINT')).toEqual({ code: 0, signal: null });
  });

  it('--state FILE also saves a state loaded with PUT /__admin/state (was BUG-4: the file kept the old state)', async (ctx) => {
    const { expect } = ctx;
    const dir = ownTempDir(ctx);
    const file = join(dir, 'state.json');
    const mock = await ownMock(ctx, ['--port', '0', '--state', file]);
    const admin = jsonClient(`${mock.url}/__admin`);
    const savedPlaces = () => {
      try {
        return JSON.parse(readFileSync(file, 'utf8')).collections.places.entries.length as number;
      } catch {
        return undefined;
      }
    };
    const empty = { format: 'apds-conformance-state', formatVersion: 1, collections: {}, autoRights: [] };
    // A change the file does follow: a reset (the save is debounced, so wait for it).
    expect((await admin('POST', '/reset')).status).toBe(200);
    await expect.poll(savedPlaces, { timeout: 3_000 }).toBe(59);

    expect((await admin('PUT', '/state', empty)).status).toBe(200);
    expect((await jsonClient(mock.url, actor('sp-sp0001'))('GET', '/places')).body.meta.total).toBe(0); // loaded in memory
    expect(await mock.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.collections.places.entries).toHaveLength(0);
  });
});
