// `apds-conformance report --from-journal`: scores a client by the requests the mock's journal recorded.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseFormats, UsageError, writeReports } from '../reports/write.js';
import { toolVersion } from './tool.js';
import { journalToResult, type Journal, type JournalEntry } from './journal-report.js';
import type { RunResult } from './model.js';

export const REPORT_HELP = `Usage: apds-conformance report --from-journal <mock url | file.json> [options]

Judges a client (an SP, operator or enforcement app) by the traffic it sent to the mock platform: reads the mock's
request journal (GET <mock url>/__admin/journal, or a saved copy of it) and writes the same reports as \`test\`, with
one suite per category: routes and methods, request validity, status classes, and use-case coverage (UC1–UC5).
Exit code: 0 every MUST check passed, 1 a check failed, 2 no report could be made (bad flags, mock unreachable,
no API requests in the journal).

Options:
  --from-journal <src>  base URL of the mock (e.g. http://127.0.0.1:4010) or a JSON file of its journal (required)
  --out <dir>           where reports go (default ./conformance-report)
  --format <list>       html,junit,json (default all three)
  --client <id>         only the requests of this client id
  --role <role>         what the client is: sp (default), operator or platform
  --limit <n>           only the last n journal entries
  -h, --help            show this help
`;


function isJournal(value: unknown): value is Journal {
  return !!value && typeof value === 'object' && Array.isArray((value as Journal).entries);
}

/** Reads the journal from a mock (its base URL, /v1/parking or /__admin/journal tolerated) or from a file. */
export async function readJournal(source: string, limit?: number): Promise<{ journal: Journal; baseUrl: string; journalUrl: string }> {
  if (/^https?:\/\//i.test(source)) {
    const base = source.replace(/\/+$/, '').replace(/\/__admin\/journal$/, '').replace(/\/v1\/parking$/, '');
    const url = new URL(`${base}/__admin/journal`);
    if (limit) url.searchParams.set('limit', String(limit));
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000), headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
    const body: unknown = await response.json();
    if (!isJournal(body)) throw new Error(`GET ${url} did not answer a journal ({capacity, entries})`);
    return { journal: body, baseUrl: base, journalUrl: url.toString() };
  }
  const body: unknown = JSON.parse(readFileSync(source, 'utf8'));
  const journal = Array.isArray(body) ? { entries: body as JournalEntry[] } : body;
  if (!isJournal(journal)) throw new Error(`${source} is not a journal ({entries: [...]} or an array of entries)`);
  if (limit) journal.entries = journal.entries.slice(-limit);
  return { journal, baseUrl: '', journalUrl: resolve(source) };
}

export async function runReportCli(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'from-journal': { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string' },
        client: { type: 'string' },
        role: { type: 'string' },
        limit: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n(see apds-conformance report --help)\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(REPORT_HELP);
    return 0;
  }
  try {
    const source = values['from-journal'];
    if (!source) throw new UsageError('--from-journal is required');
    const role = (values.role ?? 'sp') as RunResult['role'];
    if (!['platform', 'sp', 'operator'].includes(role)) throw new UsageError(`--role must be sp, operator or platform, got "${values.role}"`);
    const formats = parseFormats(values.format);
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError(`--limit must be a positive integer, got "${values.limit}"`);

    let read;
    try {
      read = await readJournal(source, limit);
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      process.stderr.write(`apds-conformance report: cannot read the journal from ${source} (${e.cause?.code ?? e.cause?.message ?? e.message})\n`);
      return 2;
    }
    const result = journalToResult(read.journal.entries, {
      source: read.journalUrl,
      baseUrl: read.baseUrl,
      clientId: values.client,
      role,
      capacity: read.journal.capacity,
      tool: { name: 'apds-conformance', version: toolVersion() },
    });
    const requests = result.suiteSummaries['traffic-routes']?.total ?? 0;
    if (requests === 0) {
      process.stderr.write(`apds-conformance report: no API requests${values.client ? ` of client ${values.client}` : ''} in the journal of ${source}: nothing to judge\n`);
      return 2;
    }
    writeReports(result, values.out, formats);
    const s = result.summary;
    const coverage = result.suiteSummaries['traffic-usecases'];
    process.stdout.write(
      `\n${s.verdict === 'pass' ? 'PASS' : 'FAIL'}: ${requests} requests; ${s.passed} passed, ${s.failed} failed, ${s.errored} errored, ${s.skipped} skipped (score ${(s.score * 100).toFixed(1)}%)` +
        (coverage ? `; use-case steps covered ${coverage.passed} of ${coverage.total}` : '') +
        '\n',
    );
    return s.verdict === 'pass' ? 0 : 1;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n(see apds-conformance report --help)\n`);
      return 2;
    }
    throw err;
  }
}
