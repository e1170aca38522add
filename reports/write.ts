// Writes the reports a run asked for, and reads the --format list: shared by `test` and `report`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunResult } from '../harness/model.js';
import { REPORT_FORMATS, type ReportFormat } from './index.js';

/** A bad command line: the commands answer it with exit code 2 and their help hint. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseFormats(list: string | undefined): ReportFormat[] {
  const formats = (list ?? 'html,junit,json').split(',').map((f) => f.trim()) as ReportFormat[];
  for (const f of formats) if (!(f in REPORT_FORMATS)) throw new UsageError(`--format: unknown format "${f}" (html, junit, json)`);
  return formats;
}

/** Writes each format into `out` (default ./conformance-report) and says where, as vitest's reporters do. */
export function writeReports(result: RunResult, out: string | undefined, formats: readonly ReportFormat[], stream: NodeJS.WritableStream = process.stdout): string {
  const dir = resolve(out ?? 'conformance-report');
  mkdirSync(dir, { recursive: true });
  for (const format of formats) {
    const { file, render } = REPORT_FORMATS[format];
    writeFileSync(join(dir, file), render(result));
    stream.write(`${format.toUpperCase()} report written to ${join(dir, file)}\n`);
  }
  return dir;
}
