// The fan-out benchmark's constants and result shapes, shared by its measurement (fanout.ts) and its Markdown.
import type { DeliveryCounters } from '../../mock/events/delivery-log.js';
import type { ReceiverStats, UpdaterResult } from '../servers/webhook-receiver.js';
import type { LoadResult } from '../lib/load.js';

export const FANOUT_SUBSCRIBERS = 100;
export const FANOUT_UPDATE_RATE = 10; // PUTs per second during the throughput runs → 1,000 deliveries/s with 100 subscribers
export const FANOUT_MIN_RATIO = 0.8;
export const PLACE_PATH = '/v1/parking/places/805428?expand=occupancy';
export const SESSION_PAYLOAD = 'fixtures/payloads/uc4-3-session-fe5eea6a.json'; // its segment uses BD18SMR's right (--bd18smr)
export const DRAIN_TIMEOUT_MS = 30_000;
export const WAIT_PER_UPDATE_MS = 10_000;
export const OTHER_CPU_WARN_PCT = 15;

export interface FanoutOptions {
  connections: number;
  durationS: number;
  warmupS: number;
  quick: boolean;
  /** --cpu-prof the mock child into this directory. */
  profileDir?: string;
  log: (message: string) => void;
}

export interface Checked {
  valid: boolean;
  invalidReasons: string[];
}

export interface FanoutDelivery extends Checked {
  mode: 'sequential' | 'burst';
  subscribers: number;
  updates: number;
  deliveries: number;
  elapsedMs: number;
  deliveriesPerSec: number;
  /** Delivery latency: the PUT's stamp → the receiver has the delivery's body. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Sequential only: per update, stamp → its 100th delivery. */
  completionP50Ms: number;
  completionP99Ms: number;
  putP99Ms: number;
  /** Mock CPU (user + system) during the phase ÷ deliveries, µs (includes the PUTs, 1 per 100 deliveries). */
  mockCpuUsPerDelivery?: number;
  counters?: DeliveryCounters;
  received: ReceiverStats;
}

export interface FanoutThroughput extends Checked, Omit<LoadResult, 'statusCodes'> {
  key: 'none' | 'subscribed' | 'none-again';
  label: string;
  subscribers: number;
  warmupReqPerSec: number;
  /** Mock CPU per response in the measured run, µs; with subscribers it includes the deliveries. */
  cpuUsPerReq?: number;
  /** The receiver child's CPU during the measured run, % of one CPU (it shares the machine with the mock). */
  receiverCpuPct?: number;
  /** Everything else on the machine during the measured run, % of one CPU. */
  otherCpuPct?: number;
  updater: UpdaterResult;
  /** Deliveries received per second over the updater's run (warm-up included). */
  deliveriesPerSec: number;
  counters?: DeliveryCounters;
  received: ReceiverStats;
}

export interface FanoutResult {
  subscribers: number;
  updateRatePerS: number;
  mockArgs: string[];
  path: string;
  delivery: FanoutDelivery[];
  throughput: FanoutThroughput[];
  /** Reference: mean of the two runs without subscribers. */
  reference?: { reqPerSec: number; p99Ms: number; cpuUsPerReq: number; driftReqPerSec: number };
  /** req/s with subscribers ÷ reference req/s. */
  ratio?: number;
  /** Reference CPU/req ÷ CPU/req with subscribers: the ratio a contention-free machine would show (≈). */
  cpuRatio?: number;
  pass?: boolean;
  error?: string;
}

/** GET /__admin/deliveries of the mock. */
export interface AdminDeliveries {
  counters: DeliveryCounters;
  backlog: Record<string, number>;
}
