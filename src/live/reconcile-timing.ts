// How long a session's gateways wait on a venue that does not answer, sized to the runtime's patience with a
// reconcile: orders.reconcileTimeoutNs × orders.maxReconcileAttempts (5 s × 3 by default) after the last word it had
// from a gateway. Each failed attempt is such a word (a disconnect), so an attempt — the wait before it, then its
// request until the request's timeout — must end inside that limit. With the former fixed figures (a wait growing to
// 10 s, then a 10 s request timeout) a venue that swallowed requests made one attempt last 20 s: the session halted
// with "reconcile: no answer" while the attempt it was waiting for was still on its way, although the venue was back.

/** The REST request timeout when the limit leaves room for it (every request, orders too). */
export const REQUEST_TIMEOUT_MS = 10_000;
/** The wait after the first failed attempt, doubling with each failure up to RETRY_MAX_MS (or less: below). */
export const RETRY_BASE_MS = 500;
export const RETRY_MAX_MS = 10_000;
/** Left unused at the end of the limit: the runtime looks at its timers on a 50 ms tick, and a busy loop is late. */
const SLACK_SHARE = 0.1;
const MAX_SLACK_MS = 1500;

export interface OutageTiming {
  /** The runtime halts a reconcile that has no word from the venue for this long, ms. */
  limitMs: number;
  /** Each REST request's timeout, ms. */
  requestTimeoutMs: number;
  /** The wait before the next attempt while the venue does not answer: baseMs doubling up to maxMs. */
  retry: { baseMs: number; maxMs: number };
}

/**
 * The timing that fits the limit: the request timeout stays 10 s where three quarters of the usable limit allow it
 * (as by default), and the longest wait is what the limit leaves after it — 3.5 s by default, so the longest attempt
 * after a failure, 3.5 s + 10 s, ends 1.5 s before the runtime would give up. A longer limit keeps 0.5 s → 10 s; a
 * shorter one shortens the request timeout too.
 */
export function outageTiming(orders: { reconcileTimeoutNs: number; maxReconcileAttempts: number }): OutageTiming {
  const limitMs = (orders.reconcileTimeoutNs / 1e6) * orders.maxReconcileAttempts;
  const usableMs = limitMs - Math.min(limitMs * SLACK_SHARE, MAX_SLACK_MS);
  const requestTimeoutMs = Math.max(1, Math.min(REQUEST_TIMEOUT_MS, Math.floor(usableMs * 0.75)));
  const maxMs = Math.max(1, Math.min(RETRY_MAX_MS, Math.floor(usableMs - requestTimeoutMs)));
  return { limitMs, requestTimeoutMs, retry: { baseMs: Math.min(RETRY_BASE_MS, maxMs), maxMs } };
}
