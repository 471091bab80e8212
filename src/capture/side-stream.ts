// A recording keeps three streams beside its market data (<root>/venue=…), each under a directory of its own:
// the ticker (<root>/_ticker/: funding and mark prices), the own-order log of trading sessions (<root>/_orders/) and
// raw frames (`record --raw`, <root>/_raw/). Listing, replaying and inspecting all tell them from market data here,
// by the path alone, so no reader takes one for another.

export type SideStream = 'ticker' | 'orders' | 'raw';

/** The directory under the recording root that holds each side stream. */
export const SIDE_STREAM_DIRS = { ticker: '_ticker', orders: '_orders', raw: '_raw' } as const satisfies Record<SideStream, string>;

/**
 * The side stream `path` lies in or names (data/_ticker, data/_orders/…/x.parquet, _raw/…), or null for market data
 * and recording roots. Read from the path's own components, so a relative path that may lie inside a stream as a
 * whole ('.' in data/_ticker) is resolved first by the caller; the outermost stream directory decides.
 */
export function sideStreamOf(path: string): SideStream | null {
  for (const part of path.split(/[/\\]/)) {
    if (part === '_ticker') return 'ticker';
    if (part === '_orders') return 'orders';
    if (part === '_raw') return 'raw';
  }
  return null;
}
