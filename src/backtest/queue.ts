// Queue position of a resting order (docs/signals.md §4.1, hftbacktest's models). The book is L2: we see a level's total
// size, never the orders in it, so where our order stands is estimated. `front` is the size ahead of us; a trade at
// our price eats the queue from the front; a size decrease that trades do not explain is a cancel, which happened
// ahead of us with the model's probability. We fill once the queue ahead is gone and a trade reaches us. Trades and
// depth changes count in exchange-time order (./simexchange.ts: a trade published after the depth update it caused is
// taken before it, and the depth change applied again through the model).

export interface QueueModel {
  readonly name: string;
  /**
   * The queue ahead after the level went from `prev` to `next` lots without trades explaining it (trades at the
   * level since the last depth change were already taken off `front` and are passed in `traded`).
   */
  depthChange(front: number, prev: number, next: number, traded: number): number;
}

/**
 * One resting order's place in its level, as the simulated venue and the live tracker both keep it: the lots ahead
 * (`front`), the level's size when last looked at (`levelQty`) and the lots traded at its price since (`traded`); the
 * same three before the last book message that changed the level, and that message's exchange time (`bookExch`,
 * -Infinity: none since the order joined); and when the order joined its level (`joinExch`, -Infinity: unknown).
 */
export interface QueuePlace {
  front: number;
  levelQty: number;
  traded: number;
  preFront: number;
  preLevel: number;
  preTraded: number;
  bookExch: number;
  joinExch: number;
}

/**
 * A trade of `qty` at the order's price stamped `exch`; returns the lots of it that reach the order (0 or less: none;
 * fractional under a probability model, so the caller fills whole lots). Bitget publishes the depth update a match
 * causes before the match's trade, though the trade is stamped no later: a trade stamped at or before the last book
 * message that changed the level is taken off the queue as it stood before that message, whose level is then taken
 * again through `model` (trades since, stamped later, off it after); a trade stamped at or before the order joined
 * was already in the level it joined behind, and moves and fills nothing; a later one eats the queue from the front.
 */
export function tradeAtPlace(o: QueuePlace, qty: number, exch: number, model: QueueModel): number {
  if (exch <= o.bookExch) {
    const reaches = exch <= o.joinExch ? 0 : qty - o.preFront;
    o.preTraded += qty;
    o.preFront = Math.max(0, o.preFront - qty);
    o.front = Math.max(0, model.depthChange(o.preFront, o.preLevel, o.levelQty, o.preTraded) - o.traded);
    return reaches;
  }
  if (exch <= o.joinExch) return 0;
  o.traded += qty;
  const reaches = qty - o.front;
  o.front = Math.max(0, o.front - qty);
  return reaches;
}

/** The order's level shows `q` lots after a book message stamped `exch`: the queue ahead follows it through `model`. */
export function levelAtPlace(o: QueuePlace, q: number, exch: number, model: QueueModel): void {
  o.preFront = o.front;
  o.preLevel = o.levelQty;
  o.preTraded = o.traded;
  o.bookExch = exch;
  o.front = model.depthChange(o.front, o.levelQty, q, o.traded);
  o.levelQty = q;
  o.traded = 0;
}

/** RiskAverse: cancels always happen behind us; only trades advance our order. */
export const riskAverse: QueueModel = {
  name: 'risk-averse',
  depthChange(front, _prev, next) {
    return Math.min(front, next);
  },
};

/** Probability that a cancel happened ahead of us, from the sizes ahead and behind (p(0 ahead) = 0, p(0 behind) = 1). */
export type QueueProb = (front: number, back: number) => number;

/** ProbQueueModel: a decrease `chg = prev − next − traded` is split ahead/behind with p = prob(front, back). */
export function probQueue(name: string, prob: QueueProb): QueueModel {
  return {
    name,
    depthChange(front, prev, next, traded) {
      const chg = prev - next - traded;
      if (chg <= 0) return Math.min(front, next);
      const back = Math.max(0, prev - front);
      const p = prob(front, back);
      const moved = front - (1 - p) * chg + Math.min(back - p * chg, 0);
      return Math.max(0, Math.min(next, moved));
    },
  };
}

const safe = (num: number, den: number) => (den > 0 ? num / den : 1);

/** PowerProbQueueFunc (f(x) = x^n): p = f(back) / (f(back) + f(front)). */
export function powerProb(n: number): QueueModel {
  return probQueue(`power:${n}`, (front, back) => safe(back ** n, back ** n + front ** n));
}

/** PowerProbQueueFunc2: p = f(back) / f(back + front). */
export function powerProb2(n: number): QueueModel {
  return probQueue(`power2:${n}`, (front, back) => safe(back ** n, (back + front) ** n));
}

/** PowerProbQueueFunc3: p = 1 − f(front / (front + back)). */
export function powerProb3(n: number): QueueModel {
  return probQueue(`power3:${n}`, (front, back) => (front + back > 0 ? 1 - (front / (front + back)) ** n : 1));
}

/** LogProbQueueFunc (f(x) = ln(1 + x)): p = f(back) / (f(back) + f(front)). */
export const logProb: QueueModel = probQueue('log', (front, back) => safe(Math.log1p(back), Math.log1p(back) + Math.log1p(front)));

/** LogProbQueueFunc2: p = f(back) / f(back + front). */
export const logProb2: QueueModel = probQueue('log2', (front, back) => safe(Math.log1p(back), Math.log1p(back + front)));

/** `risk-averse`, `power:N`, `power2:N`, `power3:N`, `log`, `log2` (the --queue option). */
export function parseQueue(spec: string): QueueModel {
  const s = spec.trim();
  if (s === 'risk-averse' || s === 'riskaverse') return riskAverse;
  if (s === 'log') return logProb;
  if (s === 'log2') return logProb2;
  const m = /^(power[23]?):([0-9.]+)$/.exec(s);
  if (m) {
    const n = Number(m[2]);
    if (!(n > 0 && n <= 100)) throw new Error(`--queue ${spec}: the power must be a number in (0, 100], e.g. power:2`);
    return m[1] === 'power' ? powerProb(n) : m[1] === 'power2' ? powerProb2(n) : powerProb3(n);
  }
  throw new Error(`--queue "${spec}" is not a queue model: use risk-averse, power:N (e.g. power:2), power2:N, power3:N, log or log2`);
}
