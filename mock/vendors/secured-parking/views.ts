// The JSON shapes of the secured-parking API (spec/secured-parking.yaml): the seed's parking_session and smart_key,
// and our extension fields for the reads it does not document.
import type { Request } from 'express';
import { formatAmount, formatInstant, type SecuredParkingState, type Session, type SmartKey } from './state.js';

/** The seed's parking_session object, exactly its seven fields in its order. */
export function sessionView(s: Session) {
  return {
    id: s.id,
    type: s.type,
    state: s.state,
    start_time: formatInstant(s.startMs),
    end_time: s.endMs === null ? null : formatInstant(s.endMs),
    entrance_remaining_tries: s.entranceTries,
    exit_remaining_tries: s.exitTries,
  };
}

/** The seed's smart_key: its parking fields come from the parking that issues the keys (secured parking 1 for 187). */
export function keyView(state: SecuredParkingState, key: SmartKey) {
  const session = state.sessions.get(key.sessionId)!;
  const parking = state.keyParking(state.parkings.get(session.parkingId)!);
  return {
    id: key.id,
    secured_parking_id: parking.id,
    name: parking.name,
    description: parking.description ?? null,
    is_active: parking.is_active ?? null,
    type: key.type,
    access_command: key.accessCommand,
    is_online: parking.is_online ?? false,
    start_time: formatInstant(key.startMs),
    end_time: formatInstant(key.endMs),
    access_points: (parking.access_points ?? []).map((a) => ({ access_point: { module_id: a.module_id, mac_address: a.mac_address } })),
  };
}

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/** Where the mock answers, as the client reached it (`localhost` when the Host header is unusable). */
export function baseUrl(req: Request): string {
  const host = req.get('host') ?? '';
  return `${req.protocol}://${HOST.test(host) ? host : 'localhost'}`;
}

export const payPath = (sessionId: number) => `/api/payment/pay/${sessionId}?from_mobile_v4=true`;

/** The finalize answer (seed 002 "Response"), fields in the seed's order. */
export function finalizeView(state: SecuredParkingState, session: Session, base: string) {
  return {
    pay_url: `${base}${payPath(session.id)}`,
    amount: formatAmount(session.amount ?? 0),
    currency: state.parkings.get(session.parkingId)!.currency,
    parking_session: sessionView(session),
    smart_key: keyView(state, state.smartKeys.get(session.smartKeyId)!),
  };
}

/** Our reads (x-extension): the seed's parking_session plus the parking, the price and the payment. */
export function sessionDetailView(state: SecuredParkingState, session: Session, base: string) {
  const payable = session.state === 'exiting' || session.state === 'paid' || session.state === 'closed';
  return {
    parking_session: {
      ...sessionView(session),
      secured_parking_id: session.parkingId,
      amount: session.amount === null ? null : formatAmount(session.amount),
      currency: state.parkings.get(session.parkingId)!.currency,
      pay_url: payable ? `${base}${payPath(session.id)}` : null,
      payment: session.payment,
    },
    smart_key: keyView(state, state.smartKeys.get(session.smartKeyId)!),
  };
}
