// reports/: renderers of a run result, one per format; each returns the file's text and names its file.
import type { RunResult } from '../harness/model.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';

export const REPORT_FORMATS = {
  html: { file: 'report.html', render: renderHtml },
  junit: { file: 'junit.xml', render: renderJunit },
  json: { file: 'report.json', render: renderJson },
} as const satisfies Record<string, { file: string; render: (r: RunResult) => string }>;

export type ReportFormat = keyof typeof REPORT_FORMATS;
