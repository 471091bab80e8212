// Where network commands connect: --ws-url/--rest-url, or by default the local exchange on 127.0.0.1:8181 —
// started in this process when nothing answers there, so every command works with no keys and no network.
import { VENUE_HEADER, VENUE_HEADER_VALUE, startExchange } from '../exchange/index';
import { UsageError } from './usage-error';

export const LOCAL_PORT = 8181;
export const DEFAULT_WS = `ws://127.0.0.1:${LOCAL_PORT}/v2/ws/public`;
export const DEFAULT_REST = `http://127.0.0.1:${LOCAL_PORT}`;

export interface Endpoints {
  wsUrl: string;
  restUrl: string;
  /** Set when this process started the local exchange: close it on exit. */
  close?: () => Promise<void>;
  local: boolean;
}

/**
 * What answers at `restUrl`: the local exchange (it says so in a header of its own), something else (another
 * program on the port, a proxy to Bitget: its orders must not be taken for the simulator's), or nothing.
 */
async function answers(restUrl: string): Promise<'local' | 'other' | 'none'> {
  try {
    const res = await fetch(new URL('/api/v2/public/time', restUrl), { signal: AbortSignal.timeout(1500) });
    if (res.headers.get(VENUE_HEADER) === VENUE_HEADER_VALUE) return res.ok ? 'local' : 'none';
    return 'other';
  } catch {
    return 'none';
  }
}

export async function resolveEndpoints(o: {
  wsUrl?: string;
  restUrl?: string;
  seed?: number;
  log?: (l: string) => void;
}): Promise<Endpoints> {
  if (o.wsUrl || o.restUrl) {
    if (!o.wsUrl || !o.restUrl) throw new UsageError('give both --ws-url and --rest-url (or neither, for the local exchange)');
    for (const [flag, url, schemes] of [
      ['--ws-url', o.wsUrl, ['ws:', 'wss:']],
      ['--rest-url', o.restUrl, ['http:', 'https:']],
    ] as const) {
      let scheme: string;
      try {
        scheme = new URL(url).protocol;
      } catch {
        throw new UsageError(`${flag} "${url}" is not a URL (e.g. ${flag === '--ws-url' ? DEFAULT_WS : DEFAULT_REST})`);
      }
      if (!(schemes as readonly string[]).includes(scheme))
        throw new UsageError(
          `${flag} "${url}" must be a ${schemes.join(' or ')} URL (e.g. ${flag === '--ws-url' ? DEFAULT_WS : DEFAULT_REST})`,
        );
    }
    return { wsUrl: o.wsUrl, restUrl: o.restUrl, local: false };
  }
  const there = await answers(DEFAULT_REST);
  if (there === 'local') {
    // another command's exchange (or `ringbook exchange`): it goes when that command ends, which this one must know
    o.log?.(
      `using the local exchange already running at ${DEFAULT_REST}: if another ringbook command started it, it stops when that command ends; \`ringbook exchange\` runs one of its own`,
    );
    return { wsUrl: DEFAULT_WS, restUrl: DEFAULT_REST, local: true };
  }
  let ex;
  try {
    ex = await startExchange({ host: '127.0.0.1', port: LOCAL_PORT, seed: o.seed ?? 1 });
  } catch {
    ex = await startExchange({ host: '127.0.0.1', port: 0, seed: o.seed ?? 1 }); // 8181 taken by something else
  }
  o.log?.(
    `started the local exchange at ${ex.url.rest} (ws ${ex.url.ws})${
      there === 'other' ? `: what answers at ${DEFAULT_REST} is not ringbook's local exchange (no ${VENUE_HEADER} header)` : ''
    }`,
  );
  return { wsUrl: ex.url.ws, restUrl: ex.url.rest, local: true, close: () => ex.close() };
}
