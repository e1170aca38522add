// `apds-conformance test`: runs the suites against a target and writes the reports.
// Exit 0 when every MUST check passes, 1 when any fails, 2 when it could not run.
import { parseArgs } from 'node:util';
import { parseFormats, UsageError, writeReports } from '../reports/write.js';
import { ALL_SUITES } from '../suites/index.js';
import { CredentialsError, devCredentials, readCredentials } from './credentials.js';
import { terminalProgress } from './progress.js';
import { toolVersion } from './tool.js';
import { runSuites } from './runner.js';
import { ResponseValidator } from './schema-check.js';
import type { SutRole } from './suite.js';

export const TEST_HELP = `Usage: apds-conformance test --target <url> [options]

Plays the other parties of the NPP use-case sequences against a system under test and writes the reports.
Exit code: 0 every MUST check passed, 1 a check failed, 2 the run could not start (bad flags, target unreachable).

Options:
  --target <url>          API base of the system under test, e.g. http://127.0.0.1:4010/v1/parking (required)
  --out <dir>             where reports go (default ./conformance-report)
  --format <list>         html,junit,json (default all three)
  --suite <list>          suites to run (default: all of the role but the vendor APIs'), e.g. uc1,uc4,security,vendor-coord
  --only <ids>            report only these checks, e.g. UC2-03 (earlier steps of their suite still run)
  --credentials <file>    {"parties": {"sp": {"type": "oauth2", "tokenUrl", "clientId", "clientSecret"}, ...}}
                          parties: sp, sp2, po, po2, ep, ad (default: the mock's dev clients)
  --callback-url <url>    where the target can reach the harness's callback receiver (default: its local URL)
  --callback-port <n>     port of the callback receiver (default: a free one)
  --role <role>           what the target is: platform (default), sp or operator
  --spec <file>           validate answers against another OpenAPI document (e.g. the official NPP 1.0.1)
  --dialect <d>           shapes to expect: spec (default) or flows
  --seed <n>              seed of the generated payloads (printed in every run, to replay one)
  --timeout <ms>          per check (default 15000)
  --list                  list the suites and exit
  -h, --help              show this help
`;


export async function runTestCli(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        target: { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string' },
        suite: { type: 'string' },
        only: { type: 'string' },
        credentials: { type: 'string' },
        'callback-url': { type: 'string' },
        'callback-port': { type: 'string' },
        role: { type: 'string' },
        spec: { type: 'string' },
        dialect: { type: 'string' },
        seed: { type: 'string' },
        timeout: { type: 'string' },
        list: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n(see apds-conformance test --help)\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(TEST_HELP);
    return 0;
  }
  if (values.list) {
    for (const s of ALL_SUITES) process.stdout.write(`${s.id.padEnd(24)} ${s.role.padEnd(9)} ${s.title}${s.optIn ? '  (only with --suite)' : ''}\n`);
    return 0;
  }
  try {
    if (!values.target) throw new UsageError('--target is required');
    let target: URL;
    try {
      target = new URL(values.target);
    } catch {
      throw new UsageError(`--target must be an absolute URL, got "${values.target}"`);
    }
    const role = (values.role ?? 'platform') as SutRole;
    if (!['platform', 'sp', 'operator'].includes(role)) throw new UsageError(`--role must be platform, sp or operator, got "${values.role}"`);
    const dialect = (values.dialect ?? 'spec') as 'spec' | 'flows';
    if (!['spec', 'flows'].includes(dialect)) throw new UsageError(`--dialect must be spec or flows, got "${values.dialect}"`);
    const formats = parseFormats(values.format);
    const ofRole = ALL_SUITES.filter((s) => s.role === role && !s.optIn);
    const wanted = values.suite?.split(',').map((s) => s.trim().toLowerCase());
    for (const w of wanted ?? []) if (!ALL_SUITES.some((s) => s.id === w)) throw new UsageError(`--suite: unknown suite "${w}" (see --list)`);
    const suites = wanted ? ALL_SUITES.filter((s) => wanted.includes(s.id)) : ofRole;
    const only = values.only?.split(',').map((s) => s.trim().toUpperCase());
    const seed = values.seed === undefined ? undefined : Number(values.seed);
    if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, got "${values.seed}"`);
    const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout);
    if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) throw new UsageError(`--timeout must be a positive integer (ms), got "${values.timeout}"`);
    const callbackPort = values['callback-port'] === undefined ? undefined : Number(values['callback-port']);
    if (callbackPort !== undefined && !(Number.isInteger(callbackPort) && callbackPort >= 0 && callbackPort <= 65535)) throw new UsageError(`--callback-port must be a port number`);
    const credentials = values.credentials ? readCredentials(values.credentials) : devCredentials();
    const validator = values.spec ? ResponseValidator.fromFile(values.spec) : ResponseValidator.ours();

    try {
      await fetch(target, { signal: AbortSignal.timeout(5000) });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      process.stderr.write(`apds-conformance test: target ${target} is unreachable (${e.cause?.code ?? e.message})\n`);
      return 2;
    }

    const result = await runSuites({
      target: target.toString().replace(/\/+$/, ''),
      credentials,
      suites,
      validator,
      only,
      role,
      dialect,
      seed,
      timeoutMs,
      callbackUrl: values['callback-url'],
      callbackPort,
      progress: terminalProgress(),
      tool: { name: 'apds-conformance', version: toolVersion() },
    });
    writeReports(result, values.out, formats);
    const s = result.summary;
    process.stdout.write(`\n${s.verdict === 'pass' ? 'PASS' : 'FAIL'}: ${s.passed} passed, ${s.failed} failed, ${s.errored} errored, ${s.skipped} skipped (score ${(s.score * 100).toFixed(1)}%, seed ${result.seed})\n`);
    return s.verdict === 'pass' ? 0 : 1;
  } catch (err) {
    if (err instanceof UsageError || err instanceof CredentialsError) {
      process.stderr.write(`${err.message}\n(see apds-conformance test --help)\n`);
      return 2;
    }
    throw err;
  }
}
