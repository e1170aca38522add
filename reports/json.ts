// The JSON report: the run result as is (versioned by `schemaVersion`), for tools and for the other reports.
import type { RunResult } from '../harness/model.js';

export function renderJson(result: RunResult): string {
  return JSON.stringify(result, null, 2) + '\n';
}
