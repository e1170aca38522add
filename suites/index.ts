// suites/: one file per use-case sequence, plus protocol, security and robustness suites.
import type { SuiteDefinition } from '../harness/suite.js';
import { uc1 } from './uc1-availability.js';

export const ALL_SUITES: readonly SuiteDefinition[] = [uc1];
