// `apds-conformance peers`: the simulated operator and SP back ends, talking to a platform.
import { parseArgs } from 'node:util';
import { UsageError } from '../cli.js';
import { startPeers } from './start.js';

export const PEERS_HELP = `Usage: apds-conformance peers [options]

Starts the simulated peers of the platform:
  operator back end  holds its car park's sessions (BD18SMR open at 220001), answers forwarded session
                     queries (GET /sessions), takes payment confirmations (PUT /sessions/{id}: marked paid),
                     and drives UC4 on request (POST /__peer/drive/anpr {"vrm", "place", "exit"})
  SP back end        receives notifications (PUT/POST any path), answers 200, confirms payment of a completed
                     session after a delay
Both list what they received at GET /__peer/received and can be told to fail:
  PUT /__peer/failure {"mode": "error"|"timeout"|"slow"|"none", "status": 503, "delayMs": 10000, "count": 3}

Options:
  --platform <url>        the platform's API base (default http://127.0.0.1:4010/v1/parking)
  --host <addr>           address to bind (default 127.0.0.1)
  --operator-port <n>     (default 4021)
  --sp-port <n>           (default 4022)
  --payment-delay <ms>    SP's delay before confirming payment; "off" never confirms (default 1000)
  -h, --help              show this help

Point the platform at them: the place's operatorBackendUrl (or mock --with-peers, which does it for 220001),
and the SP client's notificationEndpoints in the clients file.
`;

export async function runPeersCli(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      platform: { type: 'string' },
      host: { type: 'string' },
      'operator-port': { type: 'string' },
      'sp-port': { type: 'string' },
      'payment-delay': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(PEERS_HELP);
    return 0;
  }
  const port = (name: string, value: string | undefined, fallback: number) => {
    const n = Number(value ?? fallback);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--${name} must be an integer from 0 to 65535, got "${value}"`);
    return n;
  };
  const delay = values['payment-delay'];
  if (delay !== undefined && delay !== 'off' && !/^\d+$/.test(delay)) throw new UsageError(`--payment-delay must be milliseconds or "off", got "${delay}"`);
  let stopRequested: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stopRequested = resolve));
  process.once('SIGINT', () => stopRequested());
  process.once('SIGTERM', () => stopRequested());
  const peers = await startPeers({
    platformUrl: values.platform ?? 'http://127.0.0.1:4010/v1/parking',
    host: values.host,
    operatorPort: port('operator-port', values['operator-port'], 4021),
    spPort: port('sp-port', values['sp-port'], 4022),
    paymentDelayMs: delay === 'off' ? false : delay === undefined ? undefined : Number(delay),
  });
  console.log(`operator back end: ${peers.operator.url}   (sessions, /__peer/received, /__peer/failure, /__peer/drive/anpr)`);
  console.log(`SP back end:       ${peers.sp.url}   (notifications, /__peer/received, /__peer/failure)`);
  console.log(`listening on ${peers.operator.url} and ${peers.sp.url}`);
  await stopped;
  await peers.close();
  console.log('stopped');
  return 0;
}
