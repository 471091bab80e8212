// `ringbook bench book`: a Bitget-like stream (≥400 levels per side, 1–20 level changes per message) through the
// book and every signal, in the wasm core and in the TypeScript reference, chunk by chunk on identical records.
import { loadCore, Engine, REC_SIZE, R, Kind, Flag } from '../src/core/index';
import { readI64, readI64Big } from '../src/core/int64';
import { RefBook } from '../test/reference/book';
import { RefSignals, defaultSignalParams } from '../test/reference/signals';
import { BookStream, STREAM_INSTRUMENT } from './bookstream';
import { Results } from './stats';

const CHUNK = 65536; // records per chunk (4 MiB)

function refApply(book: RefBook, signals: RefSignals | null, w: Int32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const at = i * REC_SIZE;
    const head = w[at >> 2];
    const kind = head & 0xff;
    const flags = head >>> 16;
    if (kind === Kind.bookClear) {
      book.clear();
      if (flags & Flag.reset) signals?.reset();
    } else if (kind === Kind.bookLevel) {
      const dec = w[(at + R.aux2) >> 2];
      book.set(((head >> 8) & 0xff) as 1 | 2, readI64(w, at + R.price), readI64(w, at + R.qty), dec & 0xff, (dec >> 8) & 0xff);
    }
    if (flags & Flag.last && signals) signals.onMessage(book, readI64Big(w, at + R.localTs));
  }
}

export interface BookBenchOptions {
  rounds: number;
  quick: boolean;
  messages?: number;
}

export async function benchBook(
  opts: BookBenchOptions,
): Promise<{ results: Results; ratios: Record<string, number>; messages: number; levels: number }> {
  const { core } = await loadCore({ pages: 1024 });
  const staging = core.x.coreAlloc(CHUNK * REC_SIZE);
  const view = new Int32Array(CHUNK * (REC_SIZE / 4));
  const results = new Results();
  const targetMessages = opts.messages ?? (opts.quick ? 50_000 : 1_000_000);
  let messages = 0;
  let levels = 0;
  for (let round = 0; round < opts.rounds; round++) {
    const engine = new Engine(core, 1);
    const inst = engine.addInstrument(0, { ...STREAM_INSTRUMENT, levelsPerSide: 4096 });
    inst.configure(defaultSignalParams);
    const refBook = new RefBook();
    const refSignals = new RefSignals({ ...defaultSignalParams, zSource: 6 });
    const refBookOnly = new RefBook();
    const stream = new BookStream(42 + round);
    const time = { wasm: 0, ref: 0, refBook: 0 };
    let levelRecords = 0;
    while (stream.messages < targetMessages) {
      const n = stream.fill(view, CHUNK);
      core.words.set(view.subarray(0, n * (REC_SIZE / 4)), staging >> 2);
      for (let i = 0; i < n; i++) if ((view[(i * REC_SIZE) >> 2] & 0xff) === Kind.bookLevel) levelRecords++;
      // Interleave the contenders chunk by chunk so drift hits all alike.
      let t = performance.now();
      engine.apply(staging, n);
      time.wasm += performance.now() - t;
      t = performance.now();
      refApply(refBook, refSignals, view, n);
      time.ref += performance.now() - t;
      t = performance.now();
      refApply(refBookOnly, null, view, n);
      time.refBook += performance.now() - t;
    }
    if (inst.book.checksum() !== refBook.checksum({ ...STREAM_INSTRUMENT, priceStep: 1, sizeStep: 1 }))
      throw new Error('bench book: core and reference books differ');
    messages = stream.messages;
    levels = levelRecords;
    const lps = (ms: number) => levelRecords / (ms / 1000) / 1e6;
    const mps = (ms: number) => stream.messages / (ms / 1000) / 1e6;
    results.add('core_signals_level_updates_per_s', 'core: book + all signals, level updates', 'M/s', lps(time.wasm));
    results.add('core_signals_messages_per_s', 'core: book + all signals, messages', 'M/s', mps(time.wasm));
    results.add('reference_signals_level_updates_per_s', 'TS reference: book + all signals, level updates', 'M/s', lps(time.ref));
    results.add('reference_signals_messages_per_s', 'TS reference: book + all signals, messages', 'M/s', mps(time.ref));
    results.add('reference_book_only_level_updates_per_s', 'TS reference: book only, level updates', 'M/s', lps(time.refBook));
  }
  const ratios = {
    core_over_reference_with_signals:
      results.median('core_signals_level_updates_per_s') / results.median('reference_signals_level_updates_per_s'),
    core_with_signals_over_reference_book_only:
      results.median('core_signals_level_updates_per_s') / results.median('reference_book_only_level_updates_per_s'),
  };
  return { results, ratios, messages, levels };
}
