// Position and P&L from fills only (§3.3 invariant: never from order states). WHEN TO USE: the machine applies every
// distinct fill here; everything money-like is an exact integer of ticks·lots, so no rounding ever reaches the
// average entry price, the take-profit/stop-loss comparisons or the daily-loss figure. Fees are quote-currency
// numbers as the venue reports them.
//
// Open lots are kept FIFO: a closing fill consumes the oldest lots, so realised P&L is a sum of integer products and
// the cost of what stays open (costTickLot) is an exact integer too. avg entry = costTickLot / |lot|, a rational that
// callers compare by cross-multiplying instead of dividing.

import type { Side } from './events';

export interface OpenLot {
  priceTick: number;
  qtyLot: number;
}

export interface PositionState {
  /** Signed position in lots (+ long, − short) = Σ buy fills − Σ sell fills. */
  lot: number;
  /** Entry lots still open, oldest first; all on the side of `lot`. */
  open: OpenLot[];
  /** Σ priceTick·qtyLot over `open` (≥ 0): the exact cost basis of the open position. */
  costTickLot: number;
  /** Σ sell price·qty − Σ buy price·qty over every fill: equity = cash + lot·mark, exactly. */
  cashTickLot: number;
  /** Realised P&L of closed lots (FIFO), ticks·lots. Equals cashTickLot whenever flat. */
  realisedTickLot: number;
  /** Σ fees reported by fills, quote currency (positive = paid). */
  feesQuote: number;
  fills: number;
  volumeLot: number;
}

export function newPosition(): PositionState {
  return { lot: 0, open: [], costTickLot: 0, cashTickLot: 0, realisedTickLot: 0, feesQuote: 0, fills: 0, volumeLot: 0 };
}

/** Applies one fill; returns the ticks·lots it realised. Throws (before changing anything) on non-grid input. */
export function applyFill(p: PositionState, side: Side, priceTick: number, qtyLot: number, feeQuote: number): number {
  if (!Number.isSafeInteger(priceTick) || priceTick <= 0)
    throw new RangeError(`fill price must be a positive integer of ticks, got ${priceTick}`);
  if (!Number.isSafeInteger(qtyLot) || qtyLot <= 0) throw new RangeError(`fill size must be a positive integer of lots, got ${qtyLot}`);
  const value = priceTick * qtyLot;
  if (!Number.isSafeInteger(value) || !Number.isSafeInteger(Math.abs(p.cashTickLot) + value)) {
    throw new RangeError(`fill value ${priceTick}×${qtyLot} ticks·lots is beyond exact integer range`);
  }
  const dir = side === 'buy' ? 1 : -1;
  p.cashTickLot -= dir * value;
  p.fills += 1;
  p.volumeLot += qtyLot;
  p.feesQuote += feeQuote;

  let realised = 0;
  let left = qtyLot;
  // Closing part: consume the oldest open lots of the other side.
  while (left > 0 && p.lot !== 0 && Math.sign(p.lot) !== dir) {
    const lot = p.open[0];
    const take = Math.min(left, lot.qtyLot);
    // A long closed by a sell realises (exit − entry); a short closed by a buy realises (entry − exit).
    realised += (lot.priceTick - priceTick) * take * dir;
    p.costTickLot -= lot.priceTick * take;
    lot.qtyLot -= take;
    if (lot.qtyLot === 0) p.open.shift();
    p.lot += dir * take;
    left -= take;
  }
  // Opening part (a fresh position, an add, or the flip side of a fill larger than the position).
  if (left > 0) {
    p.open.push({ priceTick, qtyLot: left });
    p.costTickLot += priceTick * left;
    p.lot += dir * left;
  }
  p.realisedTickLot += realised;
  return realised;
}

/** Unrealised P&L at `markTick`, ticks·lots (exact). */
export function unrealisedTickLot(p: PositionState, markTick: number): number {
  if (p.lot > 0) return markTick * p.lot - p.costTickLot;
  if (p.lot < 0) return p.costTickLot - markTick * -p.lot;
  return 0;
}

/** Average entry price in ticks (display only: decisions cross-multiply costTickLot instead). NaN when flat. */
export function avgEntryTick(p: PositionState): number {
  return p.lot === 0 ? NaN : p.costTickLot / Math.abs(p.lot);
}
