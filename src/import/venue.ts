// Where a Tardis exchange's data lands in the hive layout (venue=…/inst_type=…).

/** Hive venue and inst_type for a Tardis exchange id: Bitget's land where ringbook's own recordings do. */
export function venueOf(exchange: string, instType?: string): { venue: string; instType: string } {
  if (exchange === 'bitget-futures') return { venue: 'bitget', instType: instType ?? 'USDT-FUTURES' };
  if (exchange === 'bitget') return { venue: 'bitget', instType: instType ?? 'SPOT' };
  return {
    venue: exchange,
    instType: instType ?? (/futures|swap|perp|deribit|bitmex|dydx|hyperliquid/i.test(exchange) ? 'FUTURES' : 'SPOT'),
  };
}
