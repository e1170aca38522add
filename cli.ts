#!/usr/bin/env node
// The `apds-conformance` command: one bin, one subcommand per job.
import { runMockCli, UsageError } from './mock/cli.js';
import { runPeersCli } from './mock/peers/cli.js';
import { runTestCli } from './harness/cli.js';
import { runReportCli } from './harness/report-cli.js';

const HELP = `Usage: apds-conformance <command> [options]

Commands:
  mock      start the stateful NPP/APDS mock platform (see: apds-conformance mock --help)
  peers     start the simulated operator and service-provider back ends
  test      run the conformance suites against a platform and write HTML, JUnit and JSON reports
  report    judge a client by its traffic in the mock's request journal (--from-journal <mock url>)

Run a command with --help for its options.
`;

const commands: Record<string, (argv: string[]) => Promise<number>> = {
  mock: runMockCli,
  peers: runPeersCli,
  test: runTestCli,
  report: runReportCli,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return command ? 0 : 2;
  }
  const run = commands[command];
  if (!run) {
    process.stderr.write(`unknown command "${command}"\n\n${HELP}`);
    return 2;
  }
  try {
    return await run(rest);
  } catch (err) {
    const e = err as Error & { code?: string };
    if (err instanceof UsageError || e.code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${e.message}\n(see apds-conformance ${command} --help)\n`);
      return 2;
    }
    process.stderr.write(`apds-conformance ${command}: ${e.message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
