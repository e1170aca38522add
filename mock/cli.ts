// `apds-conformance mock`: parses options, starts the platform, prints where it listens, stops cleanly.
import { parseArgs } from 'node:util';
import { parseInstant } from './clock.js';
import { DIALECTS, type Dialect } from './http/context.js';
import { startMockPlatform } from './server.js';
import { StateFile } from './state-file.js';

export const MOCK_HELP = `Usage: apds-conformance mock [options]

Starts the stateful NPP/APDS mock platform, seeded with the Manchester fixtures, in memory.

Options:
  --port <n>          port to listen on (default 4010, env PORT)
  --host <addr>       address to bind (default 127.0.0.1, env HOST)
  --fixtures <name>   fixture set: a shipped name (default, uc5) or a folder (default: default)
  --empty             start with no data
  --dialect <d>       output shapes: spec (NPP 1.0.1, default) or flows (the sample flows)
  --clock <instant>   pin the virtual clock (ISO 8601 or epoch seconds); default real time
  --state <file>      load state from the file at start and save it there on change and exit
  --strict            reject seed defects (sloppy timestamps, {"en": ...} names) with 400
  --no-auth           no access control: everyone may do everything (default: OAuth2 + roles on)
  --clients <file>    clients file {"clients": [...]} (default: the shipped dev clients)
  --strict-scopes     apply the contract's scopes to the letter (operators may not write sessions)
  --token-secret <s>  HS256 secret for tokens (default: random per start)
  --with-peers        also start the simulated operator and SP back ends and point the platform at them
  --spec <file>       also answer every operation of this OpenAPI 3.x / Swagger 2 document, statelessly
                      (Prism: its examples, request validation, no security checks) where our routes do not
  --spec-dynamic      with --spec: bodies generated from the document's schemas instead of its examples
  -h, --help          show this help
`;

export async function runMockCli(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      fixtures: { type: 'string' },
      empty: { type: 'boolean' },
      dialect: { type: 'string' },
      clock: { type: 'string' },
      state: { type: 'string' },
      strict: { type: 'boolean' },
      'no-auth': { type: 'boolean' },
      clients: { type: 'string' },
      'strict-scopes': { type: 'boolean' },
      'token-secret': { type: 'string' },
      'with-peers': { type: 'boolean' },
      spec: { type: 'string' },
      'spec-dynamic': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(MOCK_HELP);
    return 0;
  }
  const port = Number(values.port ?? process.env.PORT ?? 4010);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got "${values.port}"`);
  const dialect = (values.dialect ?? 'spec') as Dialect;
  if (!DIALECTS.includes(dialect)) throw new UsageError(`--dialect must be one of ${DIALECTS.join(', ')}, got "${values.dialect}"`);
  if (values.empty && values.fixtures) throw new UsageError('--empty and --fixtures exclude each other');
  if (values.port !== undefined && values.port.trim() === '') throw new UsageError('--port needs a value');
  if (values['spec-dynamic'] && values.spec === undefined) throw new UsageError('--spec-dynamic needs --spec <file>');
  if (values.spec !== undefined && values.spec.trim() === '') throw new UsageError('--spec needs a file');
  if (values.clock !== undefined && parseInstant(values.clock) === undefined) throw new UsageError(`--clock must be an ISO 8601 instant or epoch seconds, got "${values.clock}"`);

  // Handlers first: a signal that follows the "listening on" line at once must still stop cleanly.
  let stopRequested: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stopRequested = resolve));
  const onSignal = () => stopRequested();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const mock = await startMockPlatform({
    port,
    host: values.host ?? process.env.HOST ?? '127.0.0.1',
    fixtures: values.empty ? false : (values.fixtures ?? 'default'),
    dialect,
    clock: values.clock,
    strict: values.strict,
    auth: !values['no-auth'],
    clients: values.clients,
    strictScopes: values['strict-scopes'],
    tokenSecret: values['token-secret'],
    withPeers: values['with-peers'],
    spec: values.spec,
    specDynamic: values['spec-dynamic'],
  });
  let state: StateFile | undefined;
  if (values.state) {
    state = new StateFile(values.state, mock.platform);
    if (state.load()) console.log(`state loaded from ${values.state}`);
    state.watch();
  }
  const counts = Object.entries(mock.platform.store.collections).map(([name, c]) => `${c.size} ${name}`).join(', ');
  console.log(`apds-conformance mock platform (${dialect} dialect, clock ${mock.clock.state().pinned ? 'pinned at ' + mock.clock.state().now : 'real time'})`);
  console.log(`data: ${counts}`);
  console.log(`NPP API:   ${mock.url}/   and   ${mock.url}/v1/parking/`);
  console.log(`OpenAPI:   ${mock.url}/openapi.json`);
  console.log(`admin:     ${mock.url}/__admin/{reset,state,clock,journal,clients,deliveries}`);
  if (mock.platform.authEnabled) {
    console.log(`auth:      POST ${mock.url}/auth (client credentials) or header X-MCC-Access-Token; clients:`);
    for (const c of mock.platform.clients.list()) console.log(`  ${c.roles.join(',').padEnd(3)} ${c.clientId.padEnd(20)} secret ${c.clientSecret.padEnd(24)} token ${c.accessToken ?? '-'}  (${c.organisation})`);
  } else console.log('auth:      off (--no-auth): every caller may do everything');
  if (mock.anySpec) {
    const { file, operationCount, basePaths, dynamic } = mock.anySpec;
    const where = ['/', ...basePaths.map((b) => `${b}/`)].join(' and ');
    console.log(`any spec:  ${file}: ${operationCount} operations at ${where} (${dynamic ? 'generated bodies' : 'examples'}; requests validated, security not enforced; our routes first)`);
  }
  if (mock.peers) {
    console.log(`peers:     operator back end ${mock.peers.operator.url} (answers for place 220001)`);
    console.log(`           SP back end ${mock.peers.sp.url} (SP0001's notifications: /sessions/new, /sessions/updated)`);
  }
  console.log(`listening on ${mock.url}`);

  await stopped;
  state?.flush();
  await mock.close();
  console.log('stopped');
  return 0;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}
