// Bitget's published fee tiers, per product type, for `backtest --fee-tier`: maker and taker rates as fractions of
// traded value (a negative maker rate would be a rebate). Only tiers read on Bitget's own pages are here, with the
// page in docs/bitget.md §8; VIP5–VIP7 could not be read in full and are left out rather than guessed.

export interface FeeRates {
  maker: number;
  taker: number;
}

/** What a maker,taker text must be (the runtime takes a rate below 1 % of value in size): said by the CLI and the page alike. */
export const FEE_RATES_FORM =
  'must be maker,taker as fractions of value below 0.01 (e.g. 0.0002,0.0006 = 2 and 6 bps); a negative maker is a rebate';

/**
 * "maker,taker" as fractions of value, or null when it is not two rates the runtime takes: exactly two, each written
 * out (`0.0002,` is not a taker rate of 0, nor `0.0002,0.0006,0.001` a maker and a taker with something left over).
 */
export function readFeeRates(text: string): FeeRates | null {
  const parts = text.split(',');
  if (parts.length !== 2 || parts.some((x) => x.trim() === '')) return null;
  const [m, t] = parts.map(Number);
  return Number.isFinite(m) && Number.isFinite(t) && t >= 0 && Math.abs(m) < 0.01 && t < 0.01 ? { maker: m, taker: t } : null;
}

/** Tiers by product type (instType), then by tier name. */
export const FEE_TIERS: Readonly<Record<string, Readonly<Record<string, FeeRates>>>> = {
  // Bitget "VIP upgrade announcement" (2024-06-06), futures fee structure; docs/bitget.md §8
  'USDT-FUTURES': {
    vip0: { maker: 0.0002, taker: 0.0006 },
    vip1: { maker: 0.00019, taker: 0.0006 },
    vip2: { maker: 0.00016, taker: 0.0004 },
    vip3: { maker: 0.00014, taker: 0.000375 },
    vip4: { maker: 0.00012, taker: 0.00035 },
  },
};

const pct = (x: number) => `${Number((x * 100).toPrecision(6))} %`;

/** "vip0 (maker 0.02 %, taker 0.06 %), …": the tiers known for `instType`. */
export function tierList(instType: string): string {
  const tiers = FEE_TIERS[instType] ?? {};
  return Object.entries(tiers)
    .map(([name, r]) => `${name} (maker ${pct(r.maker)}, taker ${pct(r.taker)})`)
    .join(', ');
}

/** The rates of tier `name` (any case) for `instType`; an Error naming the known tiers otherwise. */
export function feeTier(name: string, instType: string): FeeRates {
  const tiers = FEE_TIERS[instType];
  if (!tiers) {
    const known = Object.keys(FEE_TIERS).join(', ');
    throw new Error(`--fee-tier ${name}: no fee tiers are known for ${instType} (only ${known}); give the rates with --fees M,T`);
  }
  const rates = tiers[name.toLowerCase()];
  if (!rates) throw new Error(`--fee-tier ${name}: not a known tier for Bitget ${instType}; known: ${tierList(instType)}`);
  return rates;
}
