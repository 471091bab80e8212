// What an exchange plugin gets and gives back: the shared state of a running exchange (ExchangeContext) and the
// plugin signature. The private API (src/exchange/private/plugin.ts) is one; startExchange (server.ts) runs them.
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { FaultCounters, FaultOptions } from './faults';
import type { ConnectionStats, TrafficCounters } from './public-ws';
import type { Router } from './router';
import type { Venue } from './venue';

/** Wall clock in ms since the epoch. Injected so tests and replays can control time. */
export interface Clock {
  now(): number;
}

export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

/** Handles one accepted WebSocket on a path; returns the connection so the server can report and close it. */
export type WsPathHandler = (ws: WebSocket, req: IncomingMessage, id: number) => Connection;

export interface Connection {
  readonly id: number;
  stats(): ConnectionStats;
  terminate(): void;
}

/** What a plugin gets: the shared state of a running exchange. */
export interface ExchangeContext {
  readonly venue: Venue;
  readonly router: Router;
  readonly wsPaths: Map<string, WsPathHandler>;
  readonly seed: number;
  readonly faults: FaultOptions;
  readonly clock: Clock;
  readonly monotonic: () => number;
  readonly traffic: TrafficCounters;
  readonly faultTotals: FaultCounters;
  /** Per-connection WS limits every path applies. */
  readonly limits: { readonly maxMessagesPerSec: number; readonly pingTimeoutMs: number };
}

export type ExchangePlugin = (ctx: ExchangeContext) => void | { close?(): void | Promise<void> };
