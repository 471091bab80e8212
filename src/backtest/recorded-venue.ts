// --parity's venue: the answers a recorded trading session's runtime was handed (acks, fills with their price, size,
// fee and maker flag, cancels, rejects, amends, from its order log, src/live/orderlog.ts), handed to the replay's
// runtime at the same point of its clock, instead of fills simulated from the replayed book. An answer goes to the
// replay's order of the same number (the n-th place of the replay ↔ the n-th place of the session, as ./parity numbers
// them) and only when that order was placed with the session's terms: an order the session never placed gets no
// answer, and the divergence shows in the decisions. Answers keep the session's order, also across orders and, in a
// session of several symbols, across instruments: one venue serves them all, and an order's terms include its instrument.
import type { Action, Event } from '../strategy/events';
import { OrderEvent, feeOfBits, readPlaceTerms } from '../live/orderlog';
import type { OrderRecord } from './orders';
import type { Venue } from './run';
import { FLATTEN_OID_PREFIX } from '../strategy/ids';

/** The session's terms of one of its places (terms left out by older logs are not compared). */
interface PlaceTerms {
  /** The instrument (index in the session's symbols; 0 in a one-symbol session). */
  inst: number;
  side: string;
  priceTick: number;
  qtyLot: number;
  force?: string;
  orderType?: string;
  reduceOnly?: boolean;
}

interface Answer {
  /** The strategy clock when live handed it over (ns since the epoch). */
  clockTs: bigint;
  /** The session's order number (1 = its first place); −k: an order of its k-th flatten (the gateway's). */
  order: number;
  /** The instrument whose gateway answered. */
  inst: number;
  make(clientOid: string): Event;
}

export interface RecordedAnswers {
  answers: Answer[];
  places: PlaceTerms[];
  /** Answers for orders the session's log holds no place of (placed before it, or the record dropped): not replayable. */
  orphans: number;
  /** The strategy clock at the session's stop (kill switch), null when the log has none (a crash, a dropped record). */
  stopNs: bigint | null;
}

const ANSWERS: ReadonlySet<number> = new Set([
  OrderEvent.ack,
  OrderEvent.reject,
  OrderEvent.fill,
  OrderEvent.cancelAck,
  OrderEvent.cancelReject,
  OrderEvent.amendAck,
  OrderEvent.amendReject,
]);

const NOT_KEPT = 'as the session recorded it (the order log keeps the code, not the message)';
const code = (aux: bigint) => (aux !== 0n ? String(aux) : 'unknown');

/**
 * The session's answers in the order live handed them over, up to its stop (kill switch): what follows is the session
 * shutting down. Null when the log was written before answers carried the strategy clock and fills their fee: such a
 * session can only be replayed through the simulated venue.
 */
export function recordedAnswers(orders: readonly OrderRecord[]): RecordedAnswers | null {
  const number = new Map<number, number>();
  const places: PlaceTerms[] = [];
  const answers: Answer[] = [];
  let flattens = 0;
  let orphans = 0;
  let stopNs: bigint | null = null;
  for (let i = 0; i < orders.length; i++) {
    const o = orders[i];
    if (o.event === OrderEvent.stop) {
      stopNs = o.clockTs;
      break;
    }
    if (o.event === OrderEvent.place) {
      number.set(o.seq, number.size + 1);
      const terms = readPlaceTerms(Number(o.aux2));
      places.push({ inst: o.inst ?? 0, side: o.side, priceTick: o.priceTick, qtyLot: o.qtyLot, ...(terms ?? {}) });
      continue;
    }
    if (o.event === OrderEvent.flatten) flattens++;
    if (!ANSWERS.has(o.event)) continue;
    if (o.clockTs === 0n) return null;
    const order = o.seq < 0 ? -flattens : (number.get(o.seq) ?? 0);
    if (order === 0) {
      orphans++;
      continue;
    }
    const at = { clockTs: o.clockTs, order, inst: o.inst ?? 0 };
    switch (o.event) {
      case OrderEvent.ack:
        answers.push({ ...at, make: (clientOid) => ({ type: 'ack', clientOid, orderId: clientOid }) });
        break;
      case OrderEvent.reject:
        answers.push({
          ...at,
          make: (clientOid) => ({ type: 'reject', clientOid, code: code(o.aux), message: NOT_KEPT, retryable: o.aux2 === 1n }),
        });
        break;
      case OrderEvent.fill: {
        const fee = orders[i + 1];
        if (fee?.event !== OrderEvent.fillFee || fee.seq !== o.seq) return null;
        const feeQuote = feeOfBits(fee.aux);
        const maker = fee.aux2 === 1n;
        // a numeric tradeId was kept (a duplicate fill is one live too); another kind stands for itself
        const tradeId = o.aux2 !== 0n ? String(o.aux2) : `recorded-${i}`;
        const side = o.side === 'sell' ? 'sell' : 'buy';
        const remainingLot = Number(o.aux);
        answers.push({
          ...at,
          make: (clientOid) => ({
            type: 'fill',
            clientOid,
            tradeId,
            side,
            priceTick: o.priceTick,
            qtyLot: o.qtyLot,
            feeQuote,
            maker,
            remainingLot,
          }),
        });
        break;
      }
      case OrderEvent.cancelAck:
        answers.push({ ...at, make: (clientOid) => ({ type: 'cancelAck', clientOid }) });
        break;
      case OrderEvent.cancelReject:
        answers.push({ ...at, make: (clientOid) => ({ type: 'cancelReject', clientOid, code: code(o.aux), message: NOT_KEPT }) });
        break;
      case OrderEvent.amendAck:
        answers.push({ ...at, make: (clientOid) => ({ type: 'amendAck', clientOid, priceTick: o.priceTick, qtyLot: o.qtyLot }) });
        break;
      case OrderEvent.amendReject:
        answers.push({ ...at, make: (clientOid) => ({ type: 'amendReject', clientOid, code: code(o.aux), message: NOT_KEPT }) });
        break;
    }
  }
  return { answers, places, orphans, stopNs };
}

function sameTerms(want: PlaceTerms, a: Extract<Action, { type: 'place' }>, inst: number): boolean {
  return (
    want.inst === inst &&
    want.side === a.side &&
    want.priceTick === (a.priceTick ?? 0) &&
    want.qtyLot === a.qtyLot &&
    (want.force === undefined || want.force === a.force) &&
    (want.orderType === undefined || want.orderType === a.orderType) &&
    (want.reduceOnly === undefined || want.reduceOnly === a.reduceOnly)
  );
}

export class RecordedVenue implements Venue {
  readonly hasResting = false;
  /** The next answer to schedule: answers go to the loop one after another, so they keep the session's order. */
  private next = 0;
  private placed = 0;
  private flattens = 0;
  /** By the session's order number: the replay's clientOid for it, when its place had the session's terms. */
  private readonly oid: (string | undefined)[] = [];
  readonly stats = { delivered: 0, withheld: 0 };

  constructor(
    private readonly rec: RecordedAnswers,
    private readonly answerAt: (clockNs: bigint, e: Event, inst: number) => void,
  ) {}

  arrive(_t: number, a: Action, inst = 0): void {
    if (a.type === 'place') {
      const n = ++this.placed;
      const want = this.rec.places[n - 1];
      if (want !== undefined && sameTerms(want, a, inst)) this.oid[n] = a.clientOid;
    } else if (a.type === 'flatten') this.flattens++;
    this.schedule();
  }

  /** Hands the loop every answer whose order the replay has placed as the session did, in the session's order. */
  private schedule(): void {
    const list = this.rec.answers;
    while (this.next < list.length) {
      const x = list[this.next];
      let clientOid: string | undefined;
      if (x.order > 0) {
        if (x.order > this.placed) return; // not placed yet: the answers after it wait too
        clientOid = this.oid[x.order];
      } else {
        if (-x.order > this.flattens) return;
        clientOid = `${FLATTEN_OID_PREFIX}${-x.order}`;
      }
      this.next++;
      if (clientOid === undefined) {
        this.stats.withheld++; // the replay placed another order under that number: it gets no answer
        continue;
      }
      this.stats.delivered++;
      this.answerAt(x.clockTs, x.make(clientOid), x.inst);
    }
  }

  /** Answers the replay never reached (its orders never placed, or the data ended first). */
  get pending(): number {
    return this.rec.answers.length - this.next;
  }

  trade(): void {}
  afterBook(): void {}
  queueAhead(): number {
    // live had the queue tracker's estimate (src/live/queue-tracker.ts); the recorded answers carry none, and this
    // venue is not handed the instrument of a trade or a book message to run the tracker on
    return NaN;
  }
}
