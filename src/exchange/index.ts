// The local Bitget-compatible exchange (public market data): explicit export list.
export { startExchange, VENUE_HEADER, VENUE_HEADER_VALUE } from './server';
export type { Exchange, ExchangeOptions, ExchangeStats, MarketHandle } from './server';
export { SYSTEM_CLOCK } from './context';
export type { Clock, Connection, ExchangeContext, ExchangePlugin, WsPathHandler } from './context';
export {
  DEFAULT_INSTRUMENTS,
  INST_TYPES,
  contractRow,
  futuresInstrument,
  selectInstruments,
  spotInstrument,
  spotSymbolRow,
} from './instruments';
export type { FuturesSpec, Instrument, InstType, SpotSpec } from './instruments';
export { DEFAULT_FLOW, DEFAULT_REGIMES, Market } from './order-flow';
export type { FlowInstrument, FlowParams, MarketCounters, RegimeSpec } from './order-flow';
export { SimBook } from './sim-book';
export type { BookChanges, BookCounters, BookLevel, Trade } from './sim-book';
export { formatPrice, formatScaled, formatSize, parseScaled, wireLevel } from './format';
export type { WireLevel } from './format';
export { bookChecksum, checksumString, crc32 } from './checksum';
export { NO_FAULTS, resolveFaults, zeroFaultCounters } from './faults';
export type { FaultCounters, FaultOptions } from './faults';
export { CHANNELS, SNAPSHOT_DEPTH, TRADE_SNAPSHOT_SIZE } from './publisher';
export type { Channel, DebugBook, Push } from './publisher';
export { PUBLIC_WS_PATH, BITGET_INST_TYPES } from './public-ws';
export type { ConnectionStats, TrafficCounters } from './public-ws';
export { Router } from './router';
export type { RestHandler, RestRequest, RestResponse } from './router';
export { ok as restOk, fail as restFail } from './public-rest';
export { Venue } from './venue';
export { mulberry32, deriveSeed, Rng } from './rng';
export { Trading, tradingPlugin } from './private/plugin';
export type { TradingOptions } from './private/plugin';
export { TradingEngine } from './private/matching';
export type { FillRecord, Force, OrderStatus, OwnOrder, PlaceRequest, PrivateEvent } from './private/matching';
export { Account } from './private/account';
export type { CoinBalance, Position, Side as OrderSide } from './private/account';
export { RATE_LIMITS } from './private/routes';
export { PRIVATE_WS_PATH, PRIVATE_CHANNELS } from './private/ws';
export { MONEY_SCALE } from './private/money';
export type { OwnFill, OwnOrderHandle, TakerFill } from './sim-book';
