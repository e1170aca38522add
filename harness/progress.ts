// Progress on the terminal while a run goes: a line per check on a TTY, a line per suite in CI or when piped.
import type { CheckResult, SuiteResult } from './model.js';
import type { ProgressListener } from './runner.js';

const MARK: Record<CheckResult['status'], string> = { passed: '✓', failed: '✗', errored: '!', skipped: '-' };

export function terminalProgress(stream: NodeJS.WriteStream = process.stdout, options: { verbose?: boolean } = {}): ProgressListener {
  const verbose = options.verbose ?? (stream.isTTY === true && !process.env.CI);
  const colour = stream.isTTY === true && !process.env.NO_COLOR;
  const paint = (code: number, text: string) => (colour ? `\x1b[${code}m${text}\x1b[0m` : text);
  const tint: Record<CheckResult['status'], number> = { passed: 32, failed: 31, errored: 35, skipped: 90 };
  return {
    onSuiteStart(suite) {
      if (verbose) stream.write(`\n${suite.id}  ${suite.title}\n`);
    },
    onCheck(_suite, check) {
      if (!verbose) return;
      const line = `  ${paint(tint[check.status], MARK[check.status])} ${check.id} ${check.title}${check.status === 'passed' ? '' : paint(90, ` — ${check.message ?? check.status}`)}`;
      stream.write(line.slice(0, 400) + '\n');
    },
    onSuiteEnd(suite, result: SuiteResult) {
      const count = (s: CheckResult['status']) => result.checks.filter((c) => c.status === s).length;
      const text = `${suite.id}: ${count('passed')} passed, ${count('failed')} failed, ${count('errored')} errored, ${count('skipped')} skipped`;
      if (!verbose) stream.write(text + '\n');
      else {
        for (const c of result.checks.filter((x) => x.status === 'failed' || x.status === 'errored')) stream.write(`    ${c.id}: ${(c.message ?? '').slice(0, 300)}\n`);
      }
    },
  };
}
