// The HTML report in a real browser: Debian's headless Chromium driven by playwright-core (never a downloaded
// browser). It opens a report with failures and hostile strings via file://, checks the summary against the JSON,
// expands a failed check, filters, prints, and runs without JavaScript; it leaves screenshots in the temp directory.
// No Chromium (e.g. CI without network): the tests skip and say why; .ci/run installs Chromium when it can.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { devCredentials } from '../harness/credentials.js';
import type { RunResult } from '../harness/model.js';
import { runSuites } from '../harness/runner.js';
import { ResponseValidator } from '../harness/schema-check.js';
import { startMockPlatform } from '../mock/server.js';
import { REPORT_FORMATS } from '../reports/index.js';
import { uc1 } from '../suites/uc1-availability.js';
import { HOSTILE, makeResult, syntheticResult } from './reports-synthetic.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// chromium.launch gives every browser a fresh temporary profile (user-data-dir) and removes it on close;
// Playwright refuses a --user-data-dir argument to launch().
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOT = join(tmpdir(), 'apds-conformance-report.png');
const SCREENSHOT_PRINT = join(tmpdir(), 'apds-conformance-report-print.png');

let browser: Browser | undefined;
let unavailable: string | undefined;
let dir: string;
let reportUrl: string;
let result: RunResult;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    unavailable = `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium; .ci/run installs it when the network allows)`;
    console.warn(`report-html-browser: skipped: ${unavailable}`);
    return;
  }
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30_000 });
  } catch (err) {
    unavailable = `Chromium at ${CHROMIUM} did not start: ${(err as Error).message.split('\n')[0]}`;
    console.warn(`report-html-browser: skipped: ${unavailable}`);
    return;
  }
  // A real UC1 run against the mock, plus synthetic suites with failures, errors, skips, waivers and hostile text.
  const mock = await startMockPlatform();
  let real: RunResult;
  try {
    real = await runSuites({ target: `${mock.url}/v1/parking`, credentials: devCredentials(), suites: [uc1], validator: ResponseValidator.ours(), seed: 11 });
  } finally {
    await mock.close();
  }
  const synthetic = syntheticResult();
  result = makeResult([...real.suites, ...synthetic.suites], { target: real.target, tool: real.tool, spec: real.spec, seed: real.seed, startedAt: real.startedAt, finishedAt: real.finishedAt, durationMs: real.durationMs });
  dir = mkdtempSync(join(tmpdir(), 'apds-report-browser-'));
  for (const { file, render } of Object.values(REPORT_FORMATS)) writeFileSync(join(dir, file), render(result));
  reportUrl = pathToFileURL(join(dir, 'report.html')).href;
});

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A page on the report that fails the test on any script error, CSP report, dialog or request leaving the file. */
async function open(ctx: TestContext, options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  if (!browser) ctx.skip(unavailable ?? 'Chromium unavailable');
  const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: options.javaScriptEnabled ?? true });
  ctx.onTestFinished(() => context.close());
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('request', (r) => {
    if (!r.url().startsWith('file://')) problems.push(`request: ${r.url()}`);
  });
  ctx.onTestFinished(() => expect(problems).toEqual([]));
  await page.goto(reportUrl);
  return page;
}

const pwned = (page: Page) => page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);

describe('the HTML report in headless Chromium', () => {
  it('renders, and its summary numbers equal the JSON report', async (ctx) => {
    const page = await open(ctx);
    const s = result.summary;
    await expect(page.title()).resolves.toMatch(/^FAIL · conformance report · /);
    expect((await page.locator('#verdict').innerText()).split('\n')[0]).toBe('FAIL');
    const data = await page.locator('#summary').evaluate((el) => ({ ...(el as HTMLElement).dataset }));
    expect(data).toMatchObject({ total: String(s.total), passed: String(s.passed), failed: String(s.failed), errored: String(s.errored), skipped: String(s.skipped) });
    for (const k of ['passed', 'failed', 'errored', 'skipped'] as const) {
      await expect(page.locator(`#summary .tile.${k} .n`).innerText()).resolves.toBe(String(s[k]));
    }
    expect(await page.locator('details.check').count()).toBe(s.total);
    for (const status of ['passed', 'failed', 'errored', 'skipped'] as const) {
      expect(await page.locator(`details.check[data-status=${status}]`).count(), status).toBe(s[status]);
    }
    expect(await page.locator('#filters').isVisible()).toBe(true);
    await expect(page.locator('#f-count').innerText()).resolves.toBe(`${s.total} of ${s.total} shown`);
    expect(await pwned(page)).toBeUndefined();
    // Hostile markup is shown as text.
    await expect(page.locator(`[id='check-BE-"01"'] h3`).innerText()).resolves.toBe(HOSTILE.img);
  });

  it('expands a failed check: clicking its summary shows the evidence', async (ctx) => {
    const page = await open(ctx);
    const check = page.locator('#check-AL-02');
    await expect(check.getAttribute('data-status')).resolves.toBe('failed');
    expect(await check.locator('.evidence').isVisible()).toBe(false);
    await check.locator('summary').first().click();
    expect(await check.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(true);
    expect(await check.locator('.evidence').isVisible()).toBe(true);
    expect(await check.locator('.exchange').first().isVisible()).toBe(true);
    const text = await check.locator('.evidence').innerText();
    expect(text).toContain('POST');
    expect(text).toContain(HOSTILE.script);
    expect(text).toContain('Expected');
    await check.locator('details.hdrs > summary').first().click();
    await expect(check.locator('table.headers').first().innerText()).resolves.toContain(HOSTILE.attr.trim());
    expect(await pwned(page)).toBeUndefined();

    // A real check of the UC1 run, with its exchanges, opened through the URL.
    await page.goto(`${reportUrl}#check-UC1-05`);
    const real = page.locator('#check-UC1-05');
    expect(await real.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(true);
    await expect(real.locator('.exchange .url').first().innerText()).resolves.toMatch(/\/rights\/specs\//);

    await page.locator('#check-AL-02').evaluate((el) => ((el as HTMLDetailsElement).open = true));
    await page.locator('#check-AL-02').evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 90));
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
    console.log(`screenshot: ${SCREENSHOT}`);
  });

  it('"failed and errored only" hides the passed checks; severity and search filter too', async (ctx) => {
    const page = await open(ctx);
    const visible = (selector: string) => page.locator(selector).evaluateAll((els) => els.filter((e) => (e as HTMLElement).offsetParent !== null).length);
    const s = result.summary;
    expect(await visible('details.check')).toBe(s.total);
    await page.getByLabel('Failed and errored only').check();
    expect(await visible('details.check[data-status=passed]')).toBe(0);
    expect(await visible('details.check[data-status=skipped]')).toBe(0);
    expect(await visible('details.check[data-status=failed]')).toBe(s.failed);
    expect(await visible('details.check[data-status=errored]')).toBe(s.errored);
    await expect(page.locator('#f-count').innerText()).resolves.toBe(`${s.failed + s.errored} of ${s.total} shown`);
    // UC1 all passed: its section says no check matches.
    expect(await page.locator('section.suite#suite-uc1 .none-shown').isVisible()).toBe(true);

    await page.getByLabel('MUST').uncheck();
    const should = result.suites.flatMap((x) => x.checks).filter((c) => c.severity === 'SHOULD' && (c.status === 'failed' || c.status === 'errored')).length;
    expect(await visible('details.check')).toBe(should);
    expect(await visible('details.check[data-severity=MUST]')).toBe(0);

    await page.getByLabel('MUST').check();
    await page.getByLabel('Failed and errored only').uncheck();
    await page.getByLabel('Search').fill('uc1-0');
    expect(await visible('details.check')).toBe(result.suites[0]!.checks.filter((c) => c.id.startsWith('UC1-0')).length);
    await page.getByLabel('Search').fill('');
    expect(await visible('details.check')).toBe(s.total);

    await page.getByRole('button', { name: 'Expand all' }).click();
    expect(await page.locator('details.check:not([open])').count()).toBe(0);
    await page.getByRole('button', { name: 'Collapse all' }).click();
    expect(await page.locator('details.check[open]').count()).toBe(0);
  });

  it('without JavaScript: every check is listed and can be opened; the filter bar stays hidden', async (ctx) => {
    const page = await open(ctx, { javaScriptEnabled: false });
    expect(await page.locator('#filters').isVisible()).toBe(false);
    const shown = await page.locator('details.check').evaluateAll((els) => els.filter((e) => (e as HTMLElement).offsetParent !== null).length);
    expect(shown).toBe(result.summary.total);
    await page.locator('#check-AL-03 > summary').click();
    expect(await page.locator('#check-AL-03 .evidence').isVisible()).toBe(true);
  });

  it('prints with every check expanded and without the filters', async (ctx) => {
    const page = await open(ctx);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#filters').isVisible()).toBe(false);
    const closed = page.locator('#check-AL-06');
    expect(await closed.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(false);
    expect(await closed.locator('.evidence').isVisible()).toBe(true);
    expect(await page.locator('details.hdrs table.headers').first().isVisible()).toBe(true);
    expect(await closed.evaluate((el) => getComputedStyle(el).breakInside)).toBe('avoid');
    await page.locator('#suite-alpha').scrollIntoViewIfNeeded();
    await page.screenshot({ path: SCREENSHOT_PRINT });
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    console.log(`print preview: ${SCREENSHOT_PRINT}; PDF ${(pdf.length / 1024).toFixed(0)} KiB`);
  });
});
