// Webhook subscriptions: which topics go where, for which places, seen through whose eyes.
import type { Dialect, Principal } from '../http/context.js';

export const TOPICS = [
  'PlaceCreated', 'PlaceUpdated', 'PlaceDeleted',
  'RightSpecificationCreated', 'RightSpecificationUpdated', 'RightSpecificationDeleted',
  'RateTableCreated', 'RateTableUpdated', 'RateTableDeleted',
  'AssignedRightCreated', 'AssignedRightUpdated', 'AssignedRightDeleted',
  'SessionCreated', 'SessionUpdated', 'SessionDeleted',
  'ObservationCreated', 'ObservationUpdated', 'ObservationDeleted',
  'SystemEvents',
] as const;
export type Topic = (typeof TOPICS)[number];

export interface Subscription {
  id: string;
  endpoint: string;
  topics: Topic[];
  /** Only events about these places (and their children with includeChildrenEvents). */
  hierarchyElements?: Array<{ id: string; className?: string }>;
  includeChildrenEvents: boolean;
  /** The sample flows PUT the bare entity; APDS POSTs an EventData envelope. */
  method: 'PUT' | 'POST';
  envelope: 'bare' | 'eventData';
  dialect?: Dialect;
  /** Signs each delivery: X-NPP-Signature: sha256=HMAC(secret, body). Never echoed back. */
  secret?: string;
  /** Deliveries are filtered by what this caller may read. */
  owner: Principal;
  source: 'api' | 'client-config';
  createdAt: string;
  lastModified: string;
}

export function publicView(s: Subscription): Omit<Subscription, 'secret'> & { signed: boolean } {
  const { secret, ...rest } = s;
  return { ...rest, signed: secret !== undefined };
}
