// What a suite is, and the API its checks are written against (see suites/*.ts).
import type { CallbackReceiver } from './callback-receiver.js';
import type { CallOptions, Reply, TargetClient } from './http-client.js';
import type { Party } from './credentials.js';
import type { Severity } from './model.js';
import type { ResponseValidator } from './schema-check.js';

export type SutRole = 'platform' | 'sp' | 'operator';

export interface CheckMeta {
  /** Stable id, e.g. UC2-03: the suite's prefix and a two-digit step number. */
  id: string;
  title: string;
  /** What it traces to: a seed use-case step ("seed 000 UC2.1") or a spec section. */
  requirement: string;
  /** @default 'MUST' */
  severity?: Severity;
  /** Runs even after an earlier MUST check of the suite failed (it depends on nothing before it). */
  independent?: boolean;
}

export interface CheckContext {
  /** Calls the target as a party (or anonymously); the exchange becomes evidence. */
  call(party: Party | 'anonymous', method: string, path: string, options?: CallOptions): Promise<Reply>;
  /** The status must be one of `expected`. */
  expectStatus(reply: Reply, ...expected: number[]): void;
  /** Fails with expected/actual evidence unless `condition`. */
  expect(condition: unknown, message: string, detail?: { expected?: unknown; actual?: unknown }): void;
  /** Deep equality, with the two values as evidence. */
  expectEqual(actual: unknown, expected: unknown, message: string): void;
  /** Validates the reply against the document's schema for that operation and status (waivers noted). */
  expectSchema(reply: Reply, method: string, pathTemplate: string): void;
  /** Validates a value against a named schema of our document. */
  expectComponent(value: unknown, schemaName: string, message: string): void;
  /** The answer is a ResponseStatus error: `{status: "error", code}` (code, when present, equals the HTTP status). */
  expectErrorStatus(reply: Reply, ...statuses: number[]): void;
  /** Adds an inbound callback (or any exchange) to the evidence. */
  record(exchange: Reply['exchange']): void;
  note(text: string): void;
  /** Fails now (status failed). */
  fail(message: string, detail?: { expected?: unknown; actual?: unknown }): never;
  /** The check cannot be judged: a precondition of the target is missing (status failed, message says so). */
  precondition(message: string): never;
  /** Skips the check (e.g. not applicable to this target). */
  skip(reason: string): never;
}

export interface SuiteContext {
  client: TargetClient;
  receiver: CallbackReceiver;
  validator: ResponseValidator;
  dialect: 'spec' | 'flows';
  /** A prefix unique to this run, so suites can run again and again on the same platform. */
  runId: string;
  seed: number;
  /** How long to wait for callbacks. */
  callbackTimeoutMs: number;
  /** Values captured between checks (ids, versions). */
  state: Map<string, unknown>;
  /** A fresh id for this run, e.g. fresh('session') → "act-20261122-ab12cd-session-1". */
  fresh(kind: string): string;
  /** A fresh plausible UK VRM (7 characters), distinct per call. */
  freshVrm(): string;
  check(meta: CheckMeta, body: (c: CheckContext) => Promise<void>): Promise<boolean>;
}

export interface SuiteDefinition {
  id: string;
  title: string;
  description: string;
  /** Which system under test it applies to (`--role`). */
  role: SutRole;
  /** Runs only when named with `--suite` (vendor APIs: an NPP platform need not serve them). */
  optIn?: boolean;
  run(s: SuiteContext): Promise<void>;
}
