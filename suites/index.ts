// suites/: one file per use-case sequence, plus protocol, security and robustness suites.
import type { SuiteDefinition } from '../harness/suite.js';
import { uc1 } from './uc1-availability.js';
import { uc2 } from './uc2-payment-on-arrival.js';
import { uc3 } from './uc3-check-in-out.js';
import { uc4 } from './uc4-anpr.js';
import { uc5 } from './uc5-pay-on-departure.js';
import { vendorCoord } from './vendor-coord.js';
import { vendorSecuredParking } from './vendor-secured-parking.js';
import { protocol } from './protocol.js';
import { security } from './security.js';
import { robustness } from './robustness.js';
import { generative } from './generative.js';
import { spRole } from './role-sp.js';
import { operatorRole } from './role-operator.js';

export const ALL_SUITES: readonly SuiteDefinition[] = [uc1, uc2, uc3, uc4, uc5, vendorCoord, vendorSecuredParking, protocol, security, robustness, generative, spRole, operatorRole];
