// /api/payment/pay/:id: the page behind the finalize answer's pay_url (opened in the app's WebView), standing in
// for the Netopia MobilPay and EPX sandboxes with the seed's test cards. GET shows a self-contained HTML form; POST
// takes the card as a form (answering HTML) or as JSON (answering JSON, for tests). Everything shown is escaped.
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { BODY_LIMIT_BYTES, inspectBody, jsonBody } from '../../http/body.js';
import { toVendorError, vendorError, type VendorError } from './errors.js';
import type { CardInput, SecuredParkingState, Session } from './state.js';
import { formatAmount, formatInstant } from './state.js';
import { sessionView } from './views.js';

export interface PaymentDeps {
  state: () => SecuredParkingState;
  nowMs: (res: Response) => number;
}

const HTML_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: unknown): string => String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);

const STYLE = `body{font-family:system-ui,sans-serif;max-width:28rem;margin:1.5rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.3rem}dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem}dt{color:#555}dd{margin:0}
label{display:block;margin:.75rem 0 .25rem}input{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}
button{margin-top:1rem;width:100%;padding:.75rem;font-size:1rem;background:#0b5;color:#fff;border:0;border-radius:.3rem}
.error{background:#fde8e8;border:1px solid #e0a0a0;padding:.5rem .75rem;border-radius:.3rem}
.ok{background:#e6f6ea;border:1px solid #8c8;padding:.5rem .75rem;border-radius:.3rem}
small,.cards{color:#555;font-size:.85rem}`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}

function sendHtml(res: Response, status: number, html: string): void {
  for (const [name, value] of Object.entries(HTML_HEADERS)) res.setHeader(name, value);
  res.status(status).send(html);
}

function summary(state: SecuredParkingState, s: Session): string {
  const parking = state.parkings.get(s.parkingId)!;
  const rows: Array<[string, string]> = [
    ['Parking', parking.name],
    ['Session', `#${s.id} (${s.state})`],
    ['Entered', formatInstant(s.startMs)],
  ];
  if (s.endMs !== null) rows.push(['Exit at', formatInstant(s.endMs)]);
  if (s.amount !== null) rows.push(['Amount', `${formatAmount(s.amount)} ${parking.currency}`]);
  return `<dl>${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}

function form(state: SecuredParkingState, s: Session, action: string, error?: VendorError): string {
  const parking = state.parkings.get(s.parkingId)!;
  const messages = error ? Object.entries(error.errors).map(([field, list]) => `${field.replace(/_/g, ' ')}: ${list.join(', ')}`) : [];
  const cards = [...state.cards.values()].map((c) => `<li><code>${escapeHtml(c.number)}</code> ${escapeHtml(c.note ?? `${c.provider}, ${c.result}`)}</li>`).join('');
  return `${messages.length ? `<p class="error" role="alert">Payment not made. ${messages.map(escapeHtml).join('<br>')}</p>` : ''}
<form method="post" action="${escapeHtml(action)}" autocomplete="off">
<label for="card_number">Card number</label>
<input id="card_number" name="card_number" inputmode="numeric" autocomplete="cc-number" required pattern="[0-9 \\-]{12,23}">
<label for="expiry">Expiry (MM/YYYY)</label>
<input id="expiry" name="expiry" autocomplete="cc-exp" placeholder="12/2025">
<label for="cvv">CVV</label>
<input id="cvv" name="cvv" inputmode="numeric" autocomplete="cc-csc" maxlength="4">
<button type="submit">Pay ${escapeHtml(formatAmount(s.amount ?? 0))} ${escapeHtml(parking.currency)}</button>
</form>
<div class="cards"><p>Sandbox test cards:</p><ul>${cards}</ul></div>`;
}

/** The form posts back to the page itself; only the known query flag is carried, nothing else is reflected. */
const actionOf = (req: Request, sessionId: number) => `/api/payment/pay/${sessionId}${req.query.from_mobile_v4 === 'true' ? '?from_mobile_v4=true' : ''}`;

function cardOf(body: unknown): CardInput {
  if (body === undefined) return {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw vendorError(400, 'base', 'the body must be an object with card_number, expiry and cvv');
  const own = (k: string) => (Object.hasOwn(body, k) ? (body as Record<string, unknown>)[k] : undefined);
  return { card_number: own('card_number'), cvv: own('cvv'), expiry: own('expiry') };
}

const isForm = (req: Request) => Boolean(req.is('application/x-www-form-urlencoded'));

/** JSON unless the body is a form, or there is no JSON body and the client prefers HTML. */
function wantsJson(req: Request): boolean {
  if (isForm(req)) return false;
  if (req.is('application/json') || req.is('+json')) return true;
  return req.accepts(['html', 'json']) === 'json';
}

export function paymentRouter(deps: PaymentDeps): Router {
  const router = Router();
  const urlencoded = express.urlencoded({ extended: false, limit: BODY_LIMIT_BYTES, parameterLimit: 20 });
  const json = jsonBody();
  const body = (req: Request, res: Response, next: NextFunction) => (isForm(req) ? urlencoded(req, res, next) : json(req, res, next));

  router
    .route('/pay/:id')
    .get((req, res) => {
      const state = deps.state();
      const session = state.sessionForPayment(req.params.id);
      const title = `Pay for parking session ${session.id}`;
      if (session.state === 'exiting') return sendHtml(res, 200, page(title, summary(state, session) + form(state, session, actionOf(req, session.id))));
      if (session.payment) {
        return sendHtml(res, 200, page('Payment received', `<p class="ok">Paid ${escapeHtml(session.payment.amount)} ${escapeHtml(session.payment.currency)} by ${escapeHtml(session.payment.provider)} card ending ${escapeHtml(session.payment.card_last4)} (transaction ${escapeHtml(session.payment.transaction_id)}).</p>${summary(state, session)}`));
      }
      if (session.state === 'paid' || session.state === 'closed') return sendHtml(res, 200, page('Payment received', `<p class="ok">This session is paid.</p>${summary(state, session)}`));
      sendHtml(res, 422, page('Nothing to pay yet', `<p class="error">The session is ${escapeHtml(session.state)}: it is paid after it is finalized.</p>${summary(state, session)}`));
    })
    .post(body, (req, res) => {
      const { forbidden, tooDeep } = inspectBody(req.body);
      if (forbidden) throw vendorError(400, 'base', `the body contains a forbidden key at ${forbidden}`);
      if (tooDeep) throw vendorError(400, 'base', `the body nests too deep (at ${tooDeep.slice(0, 200)})`);
      const state = deps.state();
      const { session, payment } = state.pay(req.params.id, cardOf(req.body), deps.nowMs(res));
      if (wantsJson(req)) {
        res.setHeader('Cache-Control', 'no-store');
        return void res.status(200).json({ payment, parking_session: sessionView(session) });
      }
      sendHtml(
        res,
        200,
        page('Payment received', `<p class="ok" role="status">Paid ${escapeHtml(payment.amount)} ${escapeHtml(payment.currency)} by ${escapeHtml(payment.provider)} card ending ${escapeHtml(payment.card_last4)}. Transaction ${escapeHtml(payment.transaction_id)}. You can now exit with your smart key.</p>${summary(state, session)}`),
      );
    })
    .all((req, res) => {
      res.setHeader('Allow', 'GET, POST');
      throw vendorError(405, 'base', `${req.method} is not allowed here (allowed: GET, POST)`);
    });

  router.use((req) => {
    throw vendorError(404, 'base', `no route for ${req.method} /api/payment${req.path}`);
  });

  // Errors: JSON `{errors}` for JSON clients; for the browser, the page again with the message (form kept when payable).
  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    const e = toVendorError(err);
    if (!e || res.headersSent) return next(err);
    for (const [name, value] of Object.entries(e.headers ?? {})) res.setHeader(name, value);
    if (req.method !== 'GET' && wantsJson(req)) return void res.status(e.status).json({ errors: e.errors });
    const state = deps.state();
    // req.params is the route's only while the route runs: read the id from the path.
    const match = /^\/pay\/(\d{1,15})\/?$/.exec(req.path);
    const id = match ? state.sessions.get(Number(match[1])) : undefined;
    const title = e.status === 402 ? 'Payment declined' : e.status === 404 ? 'Not found' : 'Payment not made';
    const messages = Object.entries(e.errors).map(([field, list]) => `<p class="error" role="alert">${escapeHtml(field.replace(/_/g, ' '))}: ${escapeHtml(list.join(', '))}</p>`);
    const body = id && id.state === 'exiting' ? summary(state, id) + form(state, id, actionOf(req, id.id), e) : messages.join('') + (id ? summary(state, id) : '');
    sendHtml(res, e.status, page(title, body));
  });
  return router;
}
