// The strategy part (docs/design.md §1: fsm): pure state machine, strategy rules, risk limits and their config.
// Executors (gateway, local exchange, backtest) need only the machine, the config and the event contract.

export type { Action, Event, Side, TimeInForce } from './events';
export { StrategyMachine, PHASES, type Phase, type MachineState, type MachineOptions, type ClosedTrade } from './machine';
export {
  resolveConfig,
  validateConfig,
  validateInstrument,
  defaultConfig,
  describe,
  ConfigError,
  FIELDS,
  type StrategyConfig,
  type InstrumentSpec,
  type FieldSpec,
  type SignalSource,
  type EntryMode,
  type HurdleSource,
} from './config';
export { sequentialIds, MAX_CLIENT_OID } from './ids';
export {
  signalValue,
  updateDebounce,
  confirmedSide,
  signalDecayed,
  checkGates,
  costHurdle,
  entryOrder,
  exitOrder,
  priceExit,
  timeStopHit,
  signalExit,
  cooldownNs,
  newDebounce,
  type SignalEvent,
  type Dir,
  type ExitReason,
  type GateFail,
  type Debounce,
  type HurdleResult,
  type TradeMarks,
  type ExitTerms,
} from './strategy';
export {
  checkBreach,
  preTrade,
  notePlace,
  equityQuote,
  dailyLossQuote,
  newRiskState,
  type Breach,
  type BreachKind,
  type RiskState,
  type RiskView,
} from './risk';
export { applyFill, newPosition, unrealisedTickLot, avgEntryTick, type PositionState, type OpenLot } from './position';
export type { OwnOrder, OrderRole, OrderBook, OrderTerms } from './orders';
