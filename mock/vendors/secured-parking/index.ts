// Secured-parking API mock (seed 002 "Finalize Parking Session with Payment V1"), mounted at SECURED_PARKING_BASE:
//   /api/car_driver/...   the driver's API (finalize, plus our extensions to create, enter, read and exit)
//   /api/payment/pay/:id  the payment page of the finalize answer's pay_url (Netopia / EPX sandbox test cards)
// State lives in memory and goes back to fixtures/vendors/secured-parking.json on every platform reset.
// Contract: spec/secured-parking.yaml. The router parses its own bodies and answers its own errors
// (`{errors: {field: [message]}}`), so mount it before the platform's JSON body parser and NPP routes.
import { Router } from 'express';
import type { MockPlatform } from '../../platform.js';
import { driverRouter, requestNow } from './api.js';
import { vendorErrorMiddleware } from './errors.js';
import { readSecuredParkingFixtures, type SecuredParkingFixtures } from './fixtures.js';
import { paymentRouter } from './payment.js';
import { SecuredParkingState } from './state.js';

export { SecuredParkingState } from './state.js';
export { readSecuredParkingFixtures, checkSecuredParkingFixtures, SecuredParkingFixtureError } from './fixtures.js';

/** Where the router is mounted: every path of the API starts with it. */
export const SECURED_PARKING_BASE = '/api';

export interface SecuredParking {
  /** Routes relative to SECURED_PARKING_BASE. */
  router: Router;
  /** Back to the fixtures (also done on every platform reset). */
  reset(): void;
  /** The current state (for tests and the admin's eyes; treat as read-only). */
  state(): SecuredParkingState;
}

export interface SecuredParkingOptions {
  /** Parsed fixtures to use instead of fixtures/vendors/secured-parking.json. */
  fixtures?: SecuredParkingFixtures;
}

export function createSecuredParking(platform: MockPlatform, options: SecuredParkingOptions = {}): SecuredParking {
  const fixtures = options.fixtures ?? readSecuredParkingFixtures();
  let state = new SecuredParkingState(fixtures);
  const reset = () => {
    state = new SecuredParkingState(fixtures);
  };
  platform.registerVendor('secured-parking', { reset, dump: () => state.dump(), restore: (data) => state.restore(data) });

  const deps = { state: () => state, nowMs: (res: Parameters<typeof requestNow>[0]) => requestNow(res, () => platform.clock.nowMs()) };
  const router = Router();
  const driver = Router();
  driver.use(driverRouter(deps));
  driver.use(vendorErrorMiddleware());
  router.use('/car_driver', driver);
  router.use('/payment', paymentRouter(deps));
  return { router, reset, state: () => state };
}
