// ringbook/core: the one API over core.wasm for Node, worker threads and the browser.
export { compileCore, createMemory, instantiateCore, formatMemory, loadCore, Core } from './loader';
export type { WasmSource, InstantiateOptions, LoadedCore } from './loader';
export type { CoreExports } from './exports';
export { CORE_FUNCTIONS } from './exports';
export { Ring } from './ring';
export { Engine, Instrument, BookView, defaultSignalParams, REPLAY_SIGNAL, REPLAY_RING, I, MAX_OBI_LEVELS } from './engine-handle';
export type { InstrumentSpec, SignalParams, CounterName } from './engine-handle';
export { parseDecimal, parseSteps, decimalCode, DecimalError, DecimalParseError } from './decimal';
export type { ParsedDecimal, DecimalErrorName } from './decimal';
export { writeLevel, writeClear, writeMsgEnd, readSignal } from './encode';
export type { LevelRecord, SignalSnapshot } from './encode';
export * from './record';
export * from './layout';
export { writeI64, readI64, writeI64Big, readI64Big } from './int64';
export { formatScaled, formatPlain } from './format';
