// A recording of several symbols for the page: each symbol's files decoded as one recording (./recording), then
// their rows laid out once in the order `ringbook backtest --symbols` replays them — message by message, always the
// instrument whose next message has the earliest local stamp, at equal stamps the one earlier in the run's order
// (the rule of src/backtest/merge.ts, shared through src/backtest/merge-order.ts) — with each row's instrument beside it. The replay
// then steps, seeks and feeds the merged rows as it does one symbol's.
import type { AsyncBuffer } from 'hyparquet';
import { fileMeta } from '../capture/parquet/reader';
import { COLUMNS, type Columns } from '../capture/schema';
import { mergedBefore } from '../backtest/merge-order';
import { MAX_INSTRUMENTS } from '../backtest/run';
import { noRecordingOf, symbolList } from '../format/symbols';
import { loadRecording, recordingOf, type Recording } from './recording';
import { MAX_ROWS, type NamedBuffer } from './parts';

/** The symbols among `parts` in the order a run takes them by default: by name. */
async function symbolsOf(parts: NamedBuffer[]): Promise<Map<string, NamedBuffer[]>> {
  const by = new Map<string, NamedBuffer[]>();
  for (const p of parts) {
    const { meta } = await fileMeta(p.buffer);
    const s = meta.symbol ?? '?';
    by.set(s, [...(by.get(s) ?? []), p]);
  }
  return new Map([...by.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Decodes `parts` as one recording of the symbols `chosen` (in that order: instrument i is chosen[i]), or of every
 * symbol they hold (by name) when none are chosen. One symbol is a plain recording; several are merged.
 */
export async function loadSymbols(
  input: AsyncBuffer | NamedBuffer[],
  name: string,
  chosen: readonly string[] = [],
  progress: (done: number, rows: number) => void = () => {},
): Promise<Recording> {
  const parts = Array.isArray(input) ? input : [{ name, buffer: input }];
  if (parts.length === 0) throw new Error(`${name}: no files to open`);
  const by = await symbolsOf(parts);
  const held = [...by.keys()];
  if (new Set(chosen).size !== chosen.length) throw new Error(`symbols ${chosen.join(',')}: a symbol is named twice`);
  const missing = chosen.filter((s) => !by.has(s));
  if (missing.length) throw new Error(`${name}: ${noRecordingOf(missing, symbolList(held))}`);
  const symbols = chosen.length ? [...chosen] : held;
  if (symbols.length > MAX_INSTRUMENTS) throw new Error(`${name}: ${symbols.length} symbols, a run takes at most ${MAX_INSTRUMENTS}`);
  if (symbols.length === 1) return loadRecording(by.get(symbols[0])!, name, progress);
  const recs: Recording[] = [];
  let before = 0;
  for (const s of symbols) {
    const rec = await loadRecording(by.get(s)!, `${name} ${s}`, (done) => progress(before + done, 0));
    before += rec.rows;
    if (before > MAX_ROWS)
      throw new Error(
        `${name} holds more than ${MAX_ROWS.toLocaleString('en-US')} rows over ${symbols.join(', ')}: the page keeps at most that many in memory; choose fewer symbols, or replay it with ringbook backtest --symbols`,
      );
    recs.push(rec);
  }
  return mergeRecordings(recs, name);
}

/** `recs` (one symbol each, in the run's order) as one recording in merged local-time order. */
export function mergeRecordings(recs: readonly Recording[], name: string): Recording {
  const n = recs.length;
  const rows = recs.reduce((k, r) => k + r.rows, 0);
  const cols: Columns = {};
  for (const c of COLUMNS) cols[c.name] = c.type === 'INT64' ? new BigInt64Array(rows) : new Int32Array(rows);
  const inst = new Uint8Array(rows);
  const ends = new Uint8Array(rows);
  // each instrument's local stamps as int32 halves (lo, hi): the merge compares them exactly, as src/backtest/merge does
  const halves = recs.map((r) => {
    const l = r.cols.local_ts as BigInt64Array;
    return new Int32Array(l.buffer, l.byteOffset, r.rows * 2);
  });
  const pos = new Array<number>(n).fill(0);
  let out = 0;
  /** Copies instrument k's rows [from, to) to the output. */
  const copy = (k: number, from: number, to: number) => {
    const r = recs[k];
    for (const c of COLUMNS) (cols[c.name] as Int32Array).set((r.cols[c.name] as Int32Array).subarray(from, to), out);
    ends.set(r.msgEnd.subarray(from, to), out);
    inst.fill(k, out, out + to - from);
    out += to - from;
  };
  const before = (a: number, b: number) => {
    const ha = halves[a];
    const hb = halves[b];
    return mergedBefore(ha[2 * pos[a] + 1], ha[2 * pos[a]], hb[2 * pos[b] + 1], hb[2 * pos[b]], a < b);
  };
  for (;;) {
    let k = -1;
    for (let i = 0; i < n; i++) if (pos[i] < recs[i].rows && (k < 0 || before(i, k))) k = i;
    if (k < 0) break;
    let next = -1;
    for (let i = 0; i < n; i++) if (i !== k && pos[i] < recs[i].rows && (next < 0 || before(i, next))) next = i;
    // instrument k's whole messages while each goes before the runner-up's next one
    const r = recs[k];
    const from = pos[k];
    do {
      let e = pos[k];
      while (r.msgEnd[e] === 0) e++;
      pos[k] = e + 1;
    } while (pos[k] < r.rows && (next < 0 || before(k, next)));
    copy(k, from, pos[k]);
  }
  const rec = recordingOf(name, recs[0].meta, recs[0].grid, cols, rows);
  rec.msgEnd = ends;
  rec.files = recs.reduce((k, r) => k + r.files, 0);
  rec.inst = inst;
  rec.instruments = recs.map((r) => ({ symbol: r.meta.symbol ?? '?', meta: r.meta, grid: r.grid, rows: r.rows }));
  return rec;
}
