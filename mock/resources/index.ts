// The versioned resources of the platform, in the order their routes are mounted.
import { assignedRights } from './assigned-rights.js';
import { contacts } from './contacts.js';
import { observations } from './observations.js';
import { places } from './places.js';
import { rates } from './rates.js';
import type { ResourceDefinition } from './resource.js';
import { rightSpecs } from './right-specs.js';
import { sessions } from './sessions.js';

export const RESOURCES: readonly ResourceDefinition[] = [places, rightSpecs, rates, assignedRights, sessions, observations, contacts];

export const resourceByName = (name: string): ResourceDefinition | undefined => RESOURCES.find((r) => r.resource === name);
