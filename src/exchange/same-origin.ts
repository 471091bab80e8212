// Who may use the simulator's unsigned /debug routes (they read the true account and place market orders): the
// same origin only. A web page the user happens to open can send requests to 127.0.0.1 — a form or a fetch
// without preflight posts text/plain across origins, and a rebound DNS name makes the page's own origin point at
// us — so the routes refuse a foreign Host name, a foreign Origin or Sec-Fetch-Site, and a body that is not JSON
// (sending application/json across origins needs a CORS preflight, which this server never grants).
import type { IncomingHttpHeaders } from 'node:http';

export const isLoopbackName = (h: string): boolean =>
  h === 'localhost' || h === '::1' || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);

/** The name part of a Host header: `127.0.0.1:8181` → `127.0.0.1`, `[::1]:8181` → `[::1]`. */
export function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

/** A loud warning for an exchange bound where other machines can reach it, or null on loopback. */
export function exposureWarning(host: string): string | null {
  if (isLoopbackName(host.toLowerCase())) return null;
  return (
    `WARNING: bound to ${host}: anyone who can reach this machine can use this exchange, including the unsigned ` +
    '/debug routes (the true account, market orders without a signature). Bind 127.0.0.1 unless you mean it.'
  );
}

export interface Refusal {
  status: 403 | 415;
  msg: string;
}

/**
 * Why a request for a /debug route is refused, or null when it may proceed. `loopbackOnly`: the server is bound to
 * loopback, so a Host header naming anything else is a rebound name.
 */
export function debugRefusal(method: string, headers: IncomingHttpHeaders, loopbackOnly: boolean): Refusal | null {
  const host = headers.host ?? '';
  if (loopbackOnly && !isLoopbackName(hostName(host)))
    return { status: 403, msg: 'debug routes answer only through 127.0.0.1 or localhost' };
  const origin = headers.origin;
  if (origin !== undefined && origin.toLowerCase() !== `http://${host.toLowerCase()}`)
    return { status: 403, msg: 'cross-origin request refused: debug routes are same-origin only' };
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none')
    return { status: 403, msg: 'cross-origin request refused: debug routes are same-origin only' };
  if (method !== 'GET' && method !== 'HEAD') {
    const type = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') return { status: 415, msg: 'debug routes take a JSON body: send Content-Type: application/json' };
  }
  return null;
}
