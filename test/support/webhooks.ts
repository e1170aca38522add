// Helpers for webhook tests against an in-process app (makeApp): subscribe, let the deliveries happen, and
// small bodies that trigger each kind of change event.
import { createHmac } from 'node:crypto';
import { expect } from 'vitest';
import type { MockPlatform } from '../../mock/platform.js';
import type { makeApp } from './app.js';

type Agent = ReturnType<typeof makeApp>['http'];

export const CAMPUS = 'bc2b7fdd-b83b-4fcc-a05e-4e42f123c041'; // parent of the city car parks
export const DEANSGATE = '805428';
export const ARNDALE = '805432';
export const ANPR_PLACE = '220001';
export const UC2_PLACE = '001702e7-99f6-4e48-ac7c-df412907b29b';
export const PIAZZA = 'QP_GB_G7HRF7Y';
export const UC4_RIGHT = '20410eec-2352-4cc1-820c-21ea6cbce506';
export const UC4_SESSION = 'fe5eea6a-4be3-46fa-b037-20f04334ccdd';
export const UC2_SESSION = 'e2089853-b790-459b-884e-4869b40d193d';

/** POST /webhooks; asserts 200 and returns the subscription id. */
export async function subscribe(http: Agent, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<string> {
  const res = await http.post('/webhooks').set(headers).send(body);
  expect(res.status, `POST /webhooks ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`).toBe(200);
  expect(res.body).toMatchObject({ code: 200, id: expect.any(String) });
  return res.body.id as string;
}

/** Lets the fan-out (setImmediate after the response) run, then waits until no delivery waits any more. */
export async function settle(platform: MockPlatform): Promise<void> {
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  await platform.dispatcher.idle();
}

export const hmac = (secret: string, body: string) => 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');

/** A new version of a stored place (PUT), read through the API so the body is valid. */
export async function bumpPlace(http: Agent, id: string, headers: Record<string, string> = {}): Promise<number> {
  const current = await http.get(`/places/${id}`).set(headers);
  expect(current.status, JSON.stringify(current.body)).toBe(200);
  const { rightSpecifications: _specs, hierarchyElementRecord: _record, ...body } = current.body;
  const version = current.body.version + 1;
  const res = await http.put(`/places/${id}`).set(headers).send({ ...body, version });
  expect(res.status, `PUT /places/${id}: ${JSON.stringify(res.body)}`).toBe(200);
  return version;
}
