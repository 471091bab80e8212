// mm-glft: a two-sided market maker on the public API, to copy. It rests `levels` post-only orders a side around a
// fair price and leans them against its inventory with the Guéant–Lehalle–Fernandez-Tapia (GLFT) closed-form
// approximation, as hftbacktest's GLFT tutorial does:
//
//   c1 = ln(1 + γ/κ) / γ                                   (the half-spread that pays for adverse fills)
//   c2 = √( γ / (2·A·κ) · (1 + γ/κ)^(κ/γ + 1) )
//   half-spread δ = c1 + σ·c2/2,  skew s = σ·c2   (ticks)
//   bid = fair − (δ + s·q),  ask = fair + (δ − s·q),  q = position / sizeLot (inventory in quote units)
//
// with γ the risk aversion, κ how fast the fill intensity A·e^(−κ·depth) decays with depth (per tick), A the fill
// intensity at the touch (per second) and σ the volatility of the mid in ticks per √second, estimated online (an
// exponentially weighted mean of squared mid changes sampled every `vol.sampleNs`). γ, κ and A are parameters (the
// tutorial fits κ and A from trades; here the optimizer searches them). The fair price is the microprice (the touch's
// size-weighted mid), the weighted mid over obiLevels levels (mid + obiW·spread/2) or the plain mid, moved by an
// optional OBI and OFI lean. Prices are whole ticks: bids round down, asks round up, and neither crosses the touch.
//
// Orders: a quote whose price is within `refreshTicks` of its target is left alone (it keeps its queue place). One
// further away is amended to the new price (one request instead of a cancel and a place; a price change loses the
// queue place on every venue). A quote too large for the inventory room is amended down: where the venue keeps the
// place on a size decrease (`m.info.amendKeepsQueue`) that costs nothing; on Bitget it re-queues, the price of staying
// inside the limit. A quote smaller than it could be is only grown with its next price change (an increase re-queues
// everywhere). A partly filled order cannot be amended on Bitget: it is cancelled and quoted again. The strategy keeps
// inside `maxPositionLot` (counting every working order, as the runtime's position check does) and paces its new
// orders and price changes under the operator's order-rate limits, so the runtime's risk gate never has to refuse it.
import { defineStrategy, type Market, type Order, type OrderUpdate, type PlaceRequest } from 'ringbook';

const MAX_LEVELS = 10;
/** Requests remembered for the pacing below: enough for every sane per-minute limit (a larger limit is paced at this). */
const PACE_SLOTS = 4096;

export default defineStrategy({
  name: 'mm-glft',
  description:
    'Two-sided post-only quotes, several levels a side, around a fair price with a GLFT inventory skew; amends instead of cancel/replace.',
  params: {
    fair: {
      type: 'choice',
      default: 'microprice',
      values: ['microprice', 'weightedMid', 'mid'],
      description: 'the price quoted around: touch microprice, obiW-weighted mid, or mid',
    },
    'glft.gamma': { type: 'number', default: 0.1, greaterThan: 0, max: 100, unit: 'x', description: 'risk aversion γ' },
    'glft.kappa': {
      type: 'number',
      default: 0.5,
      greaterThan: 0,
      max: 100,
      unit: '/tick',
      description: 'fill intensity decay κ per tick of depth',
    },
    'glft.arrival': { type: 'number', default: 1, greaterThan: 0, max: 1e6, unit: '/s', description: 'fill intensity A at the touch' },
    'vol.sampleNs': { type: 'duration', default: 200e6, min: 1e6, max: 3600e9, description: 'mid sampled this often for σ' },
    'vol.halfLifeNs': { type: 'duration', default: 30e9, min: 1e6, max: 86400e9, description: 'half-life of the σ estimate' },
    'skew.obiTicks': { type: 'number', default: 0, min: -1000, max: 1000, unit: 'ticks', description: 'fair moves by this × obiW' },
    'skew.ofiTicks': { type: 'number', default: 0, min: -1000, max: 1000, unit: 'ticks', description: 'fair moves by this × ofiNorm' },
    levels: { type: 'integer', default: 3, min: 1, max: MAX_LEVELS, unit: 'levels', description: 'quotes per side' },
    levelStepTicks: { type: 'integer', default: 1, min: 1, max: 1e6, unit: 'ticks', description: 'between one level and the next' },
    sizeLot: { type: 'integer', default: 1, min: 1, max: 1e9, unit: 'lots', description: 'size of each quote' },
    maxPositionLot: {
      type: 'integer',
      default: 5,
      min: 1,
      max: 1e12,
      unit: 'lots',
      description: 'inventory the quotes may reach, long or short',
    },
    refreshTicks: {
      type: 'integer',
      default: 1,
      min: 0,
      max: 1e6,
      unit: 'ticks',
      description: 'a quote this close to its target is left alone',
    },
  },
  validate(p, limits) {
    if (p.maxPositionLot > limits.maxPositionLot)
      return { param: 'maxPositionLot', message: `must be at most the operator's risk.maxPositionLot (${limits.maxPositionLot})` };
    return null;
  },
  signals: () => ({ obiLevels: 5 }),
  create(ctx) {
    // Parameters read once (a property read per message is cheap, but these are read many times a message).
    const p = ctx.params;
    const levels = p.levels;
    const step = p.levelStepTicks;
    const sizeLot = p.sizeLot;
    const refresh = p.refreshTicks;
    const fairOf = p.fair;
    const obiTicks = p['skew.obiTicks'];
    const ofiTicks = p['skew.ofiTicks'];
    const sampleNs = p['vol.sampleNs'];
    const halfLifeNs = p['vol.halfLifeNs'];
    const gamma = p['glft.gamma'];
    const kappa = p['glft.kappa'];
    const c1 = Math.log1p(gamma / kappa) / gamma;
    const c2 = Math.sqrt((gamma / (2 * p['glft.arrival'] * kappa)) * Math.pow(1 + gamma / kappa, kappa / gamma + 1));
    const cap = Math.min(p.maxPositionLot, ctx.limits.maxPositionLot);

    // Pacing: times of the requests the runtime counts against its order-rate limits (new orders, price changes).
    const perSecond = Math.min(ctx.limits.maxOrdersPerSecond, PACE_SLOTS);
    const perMinute = Math.min(ctx.limits.maxOrdersPerMinute, PACE_SLOTS);
    const sent = new Float64Array(PACE_SLOTS).fill(-Infinity);
    let sentN = 0;
    // The limits count the run's requests, whatever the instrument; with several instruments each also keeps to its fair
    // share (the limit over the instruments, rounded up) so that the first to quote cannot use up the whole budget.
    /** Whether one more counted request stays within both limits. */
    const withinLimits = () =>
      ctx.now - sent[(sentN - perSecond + PACE_SLOTS) % PACE_SLOTS] >= 1e9 &&
      ctx.now - sent[(sentN - perMinute + PACE_SLOTS) % PACE_SLOTS] >= 60e9;
    const counted = () => {
      sent[sentN] = ctx.now;
      sentN = (sentN + 1) % PACE_SLOTS;
    };

    // One request object each for amend and place, filled in per call: the runtime reads them at once and keeps nothing.
    const amendReq = { priceTick: 0, sizeLot: 0 };
    const placeReq: PlaceRequest = { side: 'buy', sizeLot: 0, priceTick: 0, timeInForce: 'postOnly', tag: '' };
    const amend = (o: Order, priceTick: number, sizeLot: number) => {
      amendReq.priceTick = priceTick;
      amendReq.sizeLot = sizeLot;
      return ctx.amend(o.clientOid, amendReq);
    };

    /** Size resting on one side (every unfinished order of ours, as the runtime's position check counts them). */
    const working = (m: Market, side: 'buy' | 'sell') => {
      let lot = 0;
      const os = m.orders;
      for (let i = 0; i < os.length; i++) if (os[i].side === side && !os[i].reduceOnly) lot += os[i].sizeLot - os[i].filledLot;
      return lot;
    };

    // Several instruments: each is quoted on its own (its quotes, σ and targets), within the shared order-rate limits.
    const several = ctx.markets.length > 1;
    const sharePerSecond = Math.ceil(perSecond / ctx.markets.length);
    const sharePerMinute = Math.ceil(perMinute / ctx.markets.length);
    /** One instrument's quoter. */
    const quoter = (symbol: string) => {
      const sigmaName = several ? `sigma ${symbol} (ticks/√s)` : 'sigma (ticks/√s)';
      // Our quotes by side (0 bid, 1 ask) and level: the order object (one per order, updated in place by the runtime),
      // and whether an amendment of it awaits its answer (the runtime takes one request per order at a time).
      const quotes: Array<Array<Order | null>> = [new Array<Order | null>(levels).fill(null), new Array<Order | null>(levels).fill(null)];
      const amending: boolean[][] = [new Array<boolean>(levels).fill(false), new Array<boolean>(levels).fill(false)];
      // Targets (ticks, lots). A side's follow from its best price quoted and the position alone, so while those stay
      // and no order of that side moved (`due`), the side has nothing to do: most book messages end there.
      const tPrice = [new Float64Array(levels), new Float64Array(levels)];
      const tSize = [new Float64Array(levels), new Float64Array(levels)];
      // Numbers that change with the market live in one object's fields, not in closure variables (V8 boxes a double
      // stored into a closure: a new heap number each time).
      const st = {
        lastBid: NaN,
        lastAsk: NaN,
        lastLot: NaN,
        // σ: an EWMA of (Δmid)²/Δt (ticks²/s) over samples at least vol.sampleNs apart.
        lastMid: NaN,
        lastSampleNs: 0,
        variance: 0,
        // the GLFT half-spread and skew per unit of inventory at that σ (ticks)
        half: c1,
        skew: 0,
      };
      // Which sides (0 bid, 1 ask) want a pass: an update of one of its orders, a new target, a request the pacing held
      // back. A pass leaves every quote of its side on target or busy (a request in flight, whose answer comes back as
      // an update), so a side nothing happened to since has nothing to do. `retry`: a request the runtime refused; the
      // side goes again with the next pass of either side, as it did when every pass took both.
      const due = new Uint8Array([1, 1]);
      const retry = new Uint8Array(2);
      /** The side being passed. */
      let cur = 0;
      let pulled = false;

      // this instrument's share of the pacing (several instruments only; one keeps to the limits alone, as before)
      const own = several ? new Float64Array(PACE_SLOTS).fill(-Infinity) : null;
      let ownN = 0;
      let held = false;
      const heldName = `pace.held ${symbol}`;
      const secondName = `${heldName} risk.maxOrdersPerSecond`;
      const minuteName = `${heldName} risk.maxOrdersPerMinute`;
      const withinShare = () =>
        own === null ||
        (ctx.now - own[(ownN - sharePerSecond + PACE_SLOTS) % PACE_SLOTS] >= 1e9 &&
          ctx.now - own[(ownN - sharePerMinute + PACE_SLOTS) % PACE_SLOTS] >= 60e9);
      /** Whether one more counted request stays within the limits; when not, the pass is tried again next message. */
      const mayCount = () => {
        const ok = withinLimits() && withinShare();
        if (!ok) {
          due[cur] = 1;
          held = true;
        }
        return ok;
      };
      /**
       * The limits used up now, the run's or this instrument's share (1 the second's, 2 the minute's, 3 both): asked
       * once a message after a hold, as the clock does not move within one and nothing is sent after a hold, it is
       * the limit that held it back. The report advises raising that one, not the one that would run out first if the
       * strategy quoted all the time.
       */
      const limitsOut = () => {
        const second =
          ctx.now - sent[(sentN - perSecond + PACE_SLOTS) % PACE_SLOTS] < 1e9 ||
          ctx.now - own![(ownN - sharePerSecond + PACE_SLOTS) % PACE_SLOTS] < 1e9;
        const minute =
          ctx.now - sent[(sentN - perMinute + PACE_SLOTS) % PACE_SLOTS] < 60e9 ||
          ctx.now - own![(ownN - sharePerMinute + PACE_SLOTS) % PACE_SLOTS] < 60e9;
        return (second ? 1 : 0) | (minute ? 2 : 0);
      };
      const countedHere = () => {
        counted();
        if (own === null) return;
        own[ownN] = ctx.now;
        ownN = (ownN + 1) % PACE_SLOTS;
      };

      /** The mid of the message at its local time (read here: doubles passed to a call are heap numbers). */
      const sampleVolatility = (m: Market) => {
        const now = m.localNs;
        const dt = now - st.lastSampleNs;
        // most messages come within vol.sampleNs of the last sample: the clock alone says there is nothing to do
        if (dt < sampleNs && st.lastMid === st.lastMid) return;
        const mid = m.book.midTick;
        if (st.lastMid !== st.lastMid) {
          st.lastMid = mid;
          st.lastSampleNs = now;
          return;
        }
        const r = mid - st.lastMid;
        const alpha = 1 - Math.pow(2, -dt / halfLifeNs);
        st.variance += alpha * ((r * r) / (dt / 1e9) - st.variance);
        st.lastMid = mid;
        st.lastSampleNs = now;
        const sigma = Math.sqrt(st.variance);
        st.half = c1 + (sigma * c2) / 2;
        st.skew = sigma * c2;
        ctx.record(sigmaName, sigma);
      };

      /** Side k's targets from its best price and the position: inventory room goes to the innermost levels first. */
      const fillTargets = (k: 0 | 1, best: number, lot: number) => {
        const tp = tPrice[k];
        const ts = tSize[k];
        let room = k === 0 ? cap - lot : cap + lot;
        for (let i = 0; i < levels; i++) {
          const price = k === 0 ? best - i * step : best + i * step;
          const size = Math.max(0, Math.min(sizeLot, room));
          tp[i] = price;
          ts[i] = k === 1 || price > 0 ? size : 0;
          room -= size;
        }
      };

      /** Where each level of each side should be now (tPrice, tSize; size 0: no quote there); a side whose targets moved is due. */
      const targets = (m: Market): void => {
        const b = m.book;
        const s = m.signals;
        let fair = fairOf === 'microprice' ? s.microprice : fairOf === 'weightedMid' ? b.midTick + (s.obiW * b.spreadTicks) / 2 : b.midTick;
        if (obiTicks !== 0) fair += obiTicks * s.obiW;
        if (ofiTicks !== 0 && s.ofiNorm === s.ofiNorm) fair += ofiTicks * s.ofiNorm;
        const lot = m.position.lot;
        const q = lot / sizeLot;
        const bid = Math.min(Math.floor(fair - (st.half + st.skew * q)), b.bestBidTick);
        const ask = Math.max(Math.ceil(fair + (st.half - st.skew * q)), b.bestAskTick);
        const newLot = lot !== st.lastLot;
        if (newLot || bid !== st.lastBid) {
          st.lastBid = bid;
          fillTargets(0, bid, lot);
          due[0] = 1;
        }
        if (newLot || ask !== st.lastAsk) {
          st.lastAsk = ask;
          fillTargets(1, ask, lot);
          due[1] = 1;
        }
        st.lastLot = lot;
      };

      /** Brings one side's quotes to their targets: shrink and cancel first (they free room), then move, then place. */
      const quoteSide = (m: Market, k: 0 | 1) => {
        const side = k === 0 ? 'buy' : 'sell';
        const qs = quotes[k];
        const am = amending[k];
        const tp = tPrice[k];
        const ts = tSize[k];
        for (let i = 0; i < levels; i++) {
          const o = qs[i];
          // busy (sent, amending or cancelling): its answer comes through onOrder, which asks for another pass
          if (o === null || o.state !== 'working' || am[i]) continue;
          const left = o.sizeLot - o.filledLot;
          if (ts[i] === 0) ctx.cancel(o.clientOid);
          else if (o.filledLot > 0) {
            // Bitget cannot amend a partly filled order: once it is off the target, cancel it and quote again
            if (Math.abs(o.priceTick - tp[i]) > refresh || left > ts[i]) ctx.cancel(o.clientOid);
          } else if (Math.abs(o.priceTick - tp[i]) <= refresh) {
            // close enough: keep the queue place; only a size above the room has to come down
            if (o.sizeLot > ts[i]) {
              if (amend(o, o.priceTick, ts[i])) am[i] = true;
              else retry[k] = 1;
            }
          }
        }
        for (let i = 0; i < levels; i++) {
          const o = qs[i];
          if (o === null || o.state !== 'working' || am[i] || o.filledLot > 0 || ts[i] === 0) continue;
          if (Math.abs(o.priceTick - tp[i]) <= refresh) continue;
          // a new price re-queues anyway: take the target size with it, within the room the other quotes leave
          const room = (k === 0 ? cap - m.position.lot : cap + m.position.lot) - working(m, side) + o.sizeLot;
          const size = Math.min(ts[i], room);
          if (size <= 0) ctx.cancel(o.clientOid);
          else if (mayCount()) {
            if (amend(o, tp[i], size)) {
              countedHere();
              am[i] = true;
            } else retry[k] = 1;
          }
        }
        for (let i = 0; i < levels; i++) {
          if (qs[i] !== null || ts[i] === 0) continue;
          const size = Math.min(ts[i], (k === 0 ? cap - m.position.lot : cap + m.position.lot) - working(m, side));
          if (size <= 0) break;
          // no room is not a held request: asked first, the pacing would count (and retry) a side with nothing to send
          if (!mayCount()) continue;
          placeReq.side = side;
          placeReq.sizeLot = size;
          placeReq.priceTick = tp[i];
          placeReq.tag = k === 0 ? 'bid' : 'ask';
          if (several) placeReq.symbol = symbol;
          const id = ctx.place(placeReq);
          if (id === null) {
            retry[k] = 1;
            break;
          }
          countedHere();
          qs[i] = ctx.order(id);
        }
      };

      /** An update of one of our quotes: a finished one (filled, cancelled, rejected) frees its level for the next pass. */
      const release = (o: Order, done: boolean) => {
        for (let k = 0; k < 2; k++)
          for (let i = 0; i < levels; i++)
            if (quotes[k][i] === o) {
              amending[k][i] = false;
              if (done) quotes[k][i] = null;
            }
      };

      return {
        onBook(m: Market) {
          const b = m.book;
          if (ctx.status !== 'trading') return; // reconciling or halted: the runtime owns the orders now
          if (!b.valid || !m.healthy) {
            // no book to quote against: pull the quotes once, quote again when it is back
            if (!pulled && m.orders.length > 0) ctx.cancelAll(several ? symbol : undefined);
            pulled = true;
            due[0] = due[1] = 1;
            return;
          }
          pulled = false;
          sampleVolatility(m);
          targets(m);
          if (due[0] === 0 && due[1] === 0) return;
          const bids = due[0] | retry[0];
          const asks = due[1] | retry[1];
          due[0] = due[1] = retry[0] = retry[1] = 0;
          if (bids !== 0) {
            cur = 0;
            quoteSide(m, 0);
          }
          if (asks !== 0) {
            cur = 1;
            quoteSide(m, 1);
          }
          if (held) {
            // several instruments: say in the report how often the pacing held this one's quotes back, and by which limit
            held = false;
            if (several) {
              ctx.count(heldName);
              const by = limitsOut();
              if (by & 1) ctx.count(secondName);
              if (by & 2) ctx.count(minuteName);
            }
          }
        },
        onOrder(u: OrderUpdate) {
          const k = u.kind;
          due[u.order.side === 'buy' ? 0 : 1] = 1;
          if (k === 'filled' || k === 'cancelled' || k === 'rejected') release(u.order, true);
          else if (k === 'amended' || k === 'amendRejected' || k === 'accepted') release(u.order, false);
        },
        onResume() {
          // after a reconcile the orders are the venue's: forget what finished meanwhile and any amendment in flight
          for (let k = 0; k < 2; k++)
            for (let i = 0; i < levels; i++) {
              const o = quotes[k][i];
              amending[k][i] = false;
              if (o !== null && (o.state === 'filled' || o.state === 'cancelled' || o.state === 'rejected')) quotes[k][i] = null;
            }
          due[0] = due[1] = 1;
        },
        get pulled() {
          return pulled;
        },
      };
    };
    const quoters = ctx.markets.map((m) => quoter(m.info.symbol));
    const one = quoters.length === 1 ? quoters[0] : null;
    const bySymbol = new Map(ctx.markets.map((m, i) => [m.info.symbol, quoters[i]]));

    return {
      onBook(m) {
        (one ?? bySymbol.get(m.info.symbol)!).onBook(m);
      },
      onOrder(u) {
        (one ?? bySymbol.get(u.order.symbol))?.onOrder(u);
      },
      onResume() {
        for (const q of quoters) q.onResume();
      },
      phase: () => (quoters.some((q) => q.pulled) ? 'PULLED' : 'QUOTING'),
    };
  },
});
