// Coord Parking Access API (seed 003): a vendor API mocked beside the platform. See spec/coord.yaml.
export { COORD_BASE, coordRouter, coordState } from './router.js';
export { costOf, readCoordFixtures, parseCoordFixtures, CoordFixtureError, type CoordFixtures, type CoordLocation, type CoordUser, type Tariff } from './fixtures.js';
export { CoordState, CoordError, stateOf, viewOf, type CoordSession, type SessionState, type SessionView } from './state.js';
