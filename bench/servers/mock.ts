// A mock platform server for one benchmark scenario: fixtures (or none), plus synthetic data inserted straight
// into the store before the ready line: --places N (geo), --rights N (VRM lookup), --sessions N (memory),
// --bd18smr (the assigned right session uc4-3 refers to); --no-auth turns access control off (default: on).
import { parseArgs } from 'node:util';
import { startMockPlatform } from '../../mock/server.js';
import { BD18SMR_RIGHT, syntheticPlaces, syntheticRight, syntheticSession } from '../lib/data.js';
import { announce, rssReport, serveParent } from './child.js';

const { values } = parseArgs({
  options: {
    empty: { type: 'boolean' },
    places: { type: 'string' },
    rights: { type: 'string' },
    sessions: { type: 'string' },
    bd18smr: { type: 'boolean' },
    'no-auth': { type: 'boolean' },
  },
  strict: true,
});
const count = (v: string | undefined) => (v === undefined ? 0 : Number(v));

const mock = await startMockPlatform({ fixtures: values.empty ? false : 'default', port: 0, host: '127.0.0.1', auth: !values['no-auth'] });
const { store, schemas } = mock.platform;
const now = mock.clock.nowMs();

/** Checks the first generated entity against the contract, so the benchmark never measures invalid data. */
const assertValid = (schema: string, entity: unknown) => {
  const violations = schemas.validate(schema, entity);
  if (violations.length) throw new Error(`synthetic ${schema} is invalid: ${JSON.stringify(violations)}`);
};

const rssBefore = rssReport().current;
const started = performance.now();

const places = count(values.places);
if (places) {
  const list = syntheticPlaces(places);
  assertValid('HierarchyElement', list[0]);
  for (const place of list) store.places.create(place as never, now);
}

if (values.bd18smr) {
  assertValid('AssignedRight', BD18SMR_RIGHT);
  store.assignedRights.create(BD18SMR_RIGHT as never, now);
}

const rights = count(values.rights);
if (rights) assertValid('AssignedRight', syntheticRight(0));
for (let i = 0; i < rights; i++) store.assignedRights.create(syntheticRight(i) as never, now);

const sessions = count(values.sessions);
if (sessions && !rights) throw new Error('--sessions needs --rights (each session refers to an assigned right)');
if (sessions) assertValid('Session', syntheticSession(0, 0));
for (let i = 0; i < sessions; i++) store.sessions.create(syntheticSession(i, i % rights) as never, now);

const loadMs = performance.now() - started;
const after = rssReport().current;
const gc = (globalThis as { gc?: () => void }).gc;
let rssAfterGc: number | undefined;
let heapUsedAfterGc: number | undefined;
if (gc) {
  gc();
  rssAfterGc = process.memoryUsage.rss();
  heapUsedAfterGc = process.memoryUsage().heapUsed;
}

const sizes = Object.fromEntries(Object.entries(store.collections).map(([name, c]) => [name, c.size]));
announce(mock.url, { loadMs, rssBefore, rssAfterLoad: after, rssAfterGc, heapUsedAfterGc, sizes });
serveParent(() => mock.close());
