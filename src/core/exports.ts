// The raw exports of core.wasm as JavaScript sees them: addresses and i32 are numbers, i64 are bigint (so only
// start-up calls take or return i64; hot paths move data through the shared memory instead).
// CORE_FUNCTIONS is checked against the module's real exports by test/core/loader.test.ts.
// core.wasm's exported globals (layout constants, codes) are never read at run time: plain-number mirrors are (record.ts,
// layout.ts, decimal.ts, the engine's I, feed/decoder.ts), held to the globals by test/core/layout.test.ts.

type Ptr = number;

export interface CoreExports {
  reservedBytes(): number;
  heapBase(): Ptr;
  _initialize(): void;
  coreAlloc(bytes: number): Ptr;
  // ring
  ringBytes(capLog2: number, recShift: number): number;
  ringInit(ring: Ptr, capLog2: number, recShift: number): void;
  ringCapacity(ring: Ptr): number;
  ringRecordSize(ring: Ptr): number;
  ringSlot(ring: Ptr, index: number): Ptr;
  ringHead(ring: Ptr): number;
  ringTail(ring: Ptr): number;
  ringWritable(ring: Ptr, want: number): number;
  ringPublish(ring: Ptr, n: number): void;
  ringPushBatch(ring: Ptr, src: Ptr, n: number): number;
  ringPush(ring: Ptr, src: Ptr): number;
  ringReadable(ring: Ptr, want: number): number;
  ringRelease(ring: Ptr, n: number): void;
  ringPopBatch(ring: Ptr, dst: Ptr, n: number): number;
  ringPop(ring: Ptr, dst: Ptr): number;
  ringWait(ring: Ptr, spins: number, timeoutNs: bigint): number;
  ringSize(ring: Ptr): number;
  ringLoadHead(ring: Ptr): number;
  ringLoadTail(ring: Ptr): number;
  // decimal
  parseDecimal(ptr: Ptr, len: number, scale: number, allowSign: number): number;
  decimalToSteps(ptr: Ptr, len: number, scale: number, step: bigint, allowSign: number): number;
  decimalValue(): bigint;
  decimalValueLo(): number;
  decimalValueHi(): number;
  decimalWireDecimals(): number;
  formatScaled(scaled: bigint, scale: number, dec: number, out: Ptr): Ptr;
  // book
  bookNew(capacity: number, priceScale: number, priceStep: bigint, sizeScale: number, sizeStep: bigint): Ptr;
  /** bookNew with `window` direct-mapped keys per side (a power of two ≥ 64); 0 when it is not one. */
  bookNewWindow(capacity: number, window: number, priceScale: number, priceStep: bigint, sizeScale: number, sizeStep: bigint): Ptr;
  bookClear(book: Ptr): void;
  bookDepth(book: Ptr, side: number): number;
  bookIsFull(book: Ptr): number;
  bookSet(book: Ptr, side: number, price: bigint, qty: bigint, wireDecimals: number): number;
  bookPrice(book: Ptr, side: number, i: number): bigint;
  bookQty(book: Ptr, side: number, i: number): bigint;
  bookWireDecimals(book: Ptr, side: number, i: number): number;
  bookBestBid(book: Ptr): bigint;
  bookBestAsk(book: Ptr): bigint;
  bookIsCrossed(book: Ptr): number;
  bookBandDepth(book: Ptr, side: number, low: bigint, high: bigint): bigint;
  bookPriceF64(book: Ptr, side: number, i: number): number;
  bookQtyF64(book: Ptr, side: number, i: number): number;
  /** The best price of a side (bookPriceF64 of rank 0, without the walk); NaN when the side is empty. */
  bookBestF64(book: Ptr, side: number): number;
  bookLevelQtyF64(book: Ptr, side: number, price: number): number;
  bookBandSum(book: Ptr, side: number, edge: bigint): bigint;
  /** The best `n` levels of a side, prices and sizes as i64 at `prices` / `qtys`; returns how many there were. */
  bookTop(book: Ptr, side: number, n: number, prices: Ptr, qtys: Ptr): number;
  /** Wire decimals of a side's best level (0 when the side is empty). */
  bookBestDecimals(book: Ptr, side: number): number;
  bookChecksum(book: Ptr, n: number): number;
  bookFormatTop(book: Ptr, n: number, out: Ptr): number;
  // signals
  signalsNew(zCapacity: number): Ptr;
  signalsConfigure(
    s: Ptr,
    obiLevels: number,
    lambda: number,
    bandBps: number,
    ofiLevels: number,
    tauNs: number,
    zWindow: number,
    zSource: number,
  ): number;
  signalsReset(s: Ptr): void;
  signalsUpdate(s: Ptr, book: Ptr, t: bigint, out: Ptr): number;
  signalsParam(s: Ptr, which: number): number;
  // engine
  engineNew(maxInstruments: number, control: Ptr): Ptr;
  engineAddInstrument(
    e: Ptr,
    idx: number,
    levelsPerSide: number,
    priceScale: number,
    priceStep: bigint,
    sizeScale: number,
    sizeStep: bigint,
    zCapacity: number,
  ): Ptr;
  engineInstrument(e: Ptr, idx: number): Ptr;
  engineBadRecords(e: Ptr): bigint;
  engineApply(e: Ptr, recs: Ptr, n: number, out: Ptr): void;
  engineApplyMessage(e: Ptr, recs: Ptr, n: number, out: Ptr): number;
  engineReplayMessage(e: Ptr, recs: Ptr, n: number, out: Ptr): number;
  engineDrain(e: Ptr, input: Ptr, out: Ptr, max: number): number;
  // Bitget frames → records
  frameScan(frame: Ptr, len: number, out: Ptr): number;
  frameBooks(frame: Ptr, out: Ptr, ring: Ptr, cfg: Ptr, resetOnSnapshot: number, verifyChecksum: number): number;
  frameTrades(frame: Ptr, out: Ptr, ring: Ptr, cfg: Ptr): number;
  // Tardis CSV rows → records
  csvRecords(buf: Ptr, len: number, final: number, cfg: Ptr, out: Ptr, cap: number): number;
  // Parquet row groups → records
  pqGroupBytes(): number;
  pqGroupColumn(g: Ptr, c: number, chunk: Ptr, len: number, is64: number, compressed: number, field: number, width: number): number;
  pqGroupOpen(g: Ptr, ncols: number, rows: number, scratch: Ptr, scratchCap: number): number;
  pqGroupRead(g: Ptr, records: Ptr, n: number, inst: number): number;
  // benchmark loops
  benchProduce(ring: Ptr, n: number, batch: number): void;
  benchConsume(ring: Ptr, n: number, batch: number): number;
}

export const CORE_FUNCTIONS: readonly (keyof CoreExports)[] = [
  'reservedBytes',
  'heapBase',
  '_initialize',
  'coreAlloc',
  'ringBytes',
  'ringInit',
  'ringCapacity',
  'ringRecordSize',
  'ringSlot',
  'ringHead',
  'ringTail',
  'ringWritable',
  'ringPublish',
  'ringPushBatch',
  'ringPush',
  'ringReadable',
  'ringRelease',
  'ringPopBatch',
  'ringPop',
  'ringWait',
  'ringSize',
  'ringLoadHead',
  'ringLoadTail',
  'parseDecimal',
  'decimalToSteps',
  'decimalValue',
  'decimalValueLo',
  'decimalValueHi',
  'decimalWireDecimals',
  'formatScaled',
  'bookNew',
  'bookNewWindow',
  'bookClear',
  'bookDepth',
  'bookIsFull',
  'bookSet',
  'bookPrice',
  'bookQty',
  'bookWireDecimals',
  'bookBestBid',
  'bookBestAsk',
  'bookIsCrossed',
  'bookBandDepth',
  'bookPriceF64',
  'bookQtyF64',
  'bookBestF64',
  'bookLevelQtyF64',
  'bookBandSum',
  'bookTop',
  'bookBestDecimals',
  'bookChecksum',
  'bookFormatTop',
  'signalsNew',
  'signalsConfigure',
  'signalsReset',
  'signalsUpdate',
  'signalsParam',
  'engineNew',
  'engineAddInstrument',
  'engineInstrument',
  'engineBadRecords',
  'engineApply',
  'engineApplyMessage',
  'engineReplayMessage',
  'engineDrain',
  'frameScan',
  'frameBooks',
  'frameTrades',
  'csvRecords',
  'pqGroupBytes',
  'pqGroupColumn',
  'pqGroupOpen',
  'pqGroupRead',
  'benchProduce',
  'benchConsume',
];
