// The recording chooser: the list from /api/recordings (one entry per Parquet file) grouped into recordings — every
// file of one symbol under the data root, in time order, replayed as one run across the recorder's roll boundaries,
// as `ringbook backtest DIR` replays them — with the single files of a multi-file recording listed after them; plus
// a local file input and drag and drop (Parquet files, or Tardis.dev data for the worker to convert).
import type { RecordingEntry } from '../serve/listing';
import { count, plural } from '../format/numbers';
import type { OrdersSource, ParquetPart, RecordingSource } from './protocol';
import { formatSpan } from './time';

/** All the readable files of one symbol: what `ringbook backtest DIR --symbol S` replays. */
export interface RecordingGroup {
  /** venue/inst_type/symbol. */
  key: string;
  symbol: string;
  files: RecordingEntry[];
  rows: number;
  size: number;
  firstNs: string | null;
  lastNs: string | null;
  /** Files of this symbol whose footer could not be read (left out, and said so). */
  unreadable: number;
  /** The symbol's ticker stream files (funding, charged as `ringbook backtest` charges it); not market data. */
  ticker: RecordingEntry[];
}

/** The select's value for a whole recording (a file's value is its path, which never starts like this). */
export const GROUP_PREFIX = 'recording:';
/** The select's value for every symbol of one venue and instrument type, replayed as one run (symbols:<venue>/<inst_type>). */
export const SYMBOLS_PREFIX = 'symbols:';

/** The recordings of one venue and instrument type that hold several symbols: what `backtest DIR --symbols` replays. */
export interface SymbolSet {
  /** venue/inst_type. */
  key: string;
  groups: RecordingGroup[];
}

/** The venues and instrument types whose readable files hold two symbols or more. */
export function symbolSets(groups: readonly RecordingGroup[]): SymbolSet[] {
  const by = new Map<string, RecordingGroup[]>();
  for (const g of groups) {
    if (!g.files.length) continue;
    const key = g.key.slice(0, g.key.lastIndexOf('/'));
    by.set(key, [...(by.get(key) ?? []), g]);
  }
  return [...by.entries()].filter(([, gs]) => gs.length > 1).map(([key, gs]) => ({ key, groups: gs }));
}

/** "BTCUSDT + ETHUSDT · 2 symbols · 4 files · 120,000 rows · 2025-11-24 16:00:00 → 16:02:58 UTC (2 min 59 s)". */
export function symbolSetLabel(s: SymbolSet): string {
  const first = s.groups.map((g) => g.firstNs).reduce((a, b) => (a === null || (b !== null && BigInt(b) < BigInt(a)) ? b : a), null);
  const last = s.groups.map((g) => g.lastNs).reduce((a, b) => (a === null || (b !== null && BigInt(b) > BigInt(a)) ? b : a), null);
  const files = s.groups.reduce((n, g) => n + g.files.length, 0);
  const rows = s.groups.reduce((n, g) => n + g.rows, 0);
  return `${s.groups.map((g) => g.symbol).join(' + ')} · ${s.groups.length} symbols · ${plural(files, 'file')} · ${count(rows)} rows · ${formatSpan(first, last)}`;
}

const keyOf = (e: RecordingEntry) => `${e.venue ?? '?'}/${e.inst_type ?? '?'}/${e.symbol ?? '?'}`;
const byTime = (a: RecordingEntry, b: RecordingEntry) => {
  const x = BigInt(a.first_local_ts || '0');
  const y = BigInt(b.first_local_ts || '0');
  return x < y ? -1 : x > y ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
};

/** Files grouped by venue, instrument type and symbol, each group's files in replay order; groups by key. */
export function groupRecordings(entries: readonly RecordingEntry[]): RecordingGroup[] {
  const groups = new Map<string, RecordingGroup>();
  for (const e of entries) {
    if (e.stream === 'orders') continue; // by recording root and path, as the CLI finds them (ordersOf): no group of their own
    const key = keyOf(e);
    let g = groups.get(key);
    if (!g) {
      g = { key, symbol: e.symbol ?? '?', files: [], rows: 0, size: 0, firstNs: null, lastNs: null, unreadable: 0, ticker: [] };
      groups.set(key, g);
    }
    if (e.stream === 'ticker') {
      if (!e.error) g.ticker.push(e);
      continue;
    }
    if (e.error) {
      g.unreadable++;
      continue;
    }
    g.files.push(e);
    g.rows += e.rows ?? 0;
    g.size += e.size;
    if (e.first_local_ts && (g.firstNs === null || BigInt(e.first_local_ts) < BigInt(g.firstNs))) g.firstNs = e.first_local_ts;
    if (e.last_local_ts && (g.lastNs === null || BigInt(e.last_local_ts) > BigInt(g.lastNs))) g.lastNs = e.last_local_ts;
  }
  for (const g of groups.values()) g.files.sort(byTime);
  return [...groups.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** "BTCUSDT · 3 files · 54,673 rows · 2025-11-24 16:00:00 → 16:02:58 UTC (2 min 59 s)". */
export function groupLabel(g: RecordingGroup): string {
  const left = g.unreadable ? ` (${plural(g.unreadable, 'unreadable file')} left out)` : '';
  return `${g.symbol} · ${plural(g.files.length, 'file')}${left} · ${count(g.rows)} rows · ${formatSpan(g.firstNs, g.lastNs)}`;
}

/** "BTCUSDT · date=2025-11-24/1764000000000000000-0.parquet · 18,000 rows · 16:00:00 → 16:01:00 UTC (1 min)". */
export function fileLabel(e: RecordingEntry): string {
  const short = e.path.split('/').slice(-2).join('/');
  if (e.error) return `${e.path} (unreadable: ${e.error})`;
  return `${e.symbol ?? '?'} · ${short} · ${count(e.rows)} rows · ${formatSpan(e.first_local_ts, e.last_local_ts)}`;
}

const partOf = (e: RecordingEntry): ParquetPart => ({
  url: `/data/${e.path.split('/').map(encodeURIComponent).join('/')}`,
  name: e.path,
  byteLength: e.size,
});

/** The ticker files of `groups` for a source (nothing when there are none). */
const tickerOf = (groups: readonly RecordingGroup[]): { ticker?: ParquetPart[] } => {
  const files = groups.flatMap((g) => g.ticker);
  return files.length ? { ticker: files.map(partOf) } : {};
};

/**
 * The recording root of a listed path ('' for the data root, else 'sub/'): the directory above venue=…, or a loose
 * file's own, as `ringbook backtest` finds the root whose _orders it reads.
 */
export function recordingRootOf(path: string): string {
  const at = `/${path}`.indexOf('/venue=');
  return at >= 0 ? path.slice(0, at) : path.slice(0, path.lastIndexOf('/') + 1);
}

/**
 * The own-order files under the root of a served recording (`first`: the path of its first file), all symbols: the
 * worker picks the run's by path. Unreadable ones are passed on too, to be named when read, as the CLI stops on them.
 */
export function ordersOf(entries: readonly RecordingEntry[], first: string): OrdersSource {
  const root = recordingRootOf(first);
  const parts = entries.filter((e) => e.stream === 'orders' && e.path.startsWith(`${root}_orders/`)).map(partOf);
  return {
    parts,
    where: root ? { root, orders: `${root}_orders` } : { root: 'the served directory', orders: "the served directory's _orders" },
  };
}

export class RecordingList {
  entries: RecordingEntry[] = [];
  groups: RecordingGroup[] = [];
  sets: SymbolSet[] = [];

  constructor(
    private readonly select: HTMLSelectElement,
    private readonly openButton: HTMLButtonElement,
    fileInput: HTMLInputElement,
    private readonly onOpen: (source: RecordingSource) => void,
    /** A strategy file dropped or chosen with the recordings (.js bundle, or .ts to be told how). */
    private readonly onStrategyFile: (file: File) => void = () => {},
    /** The symbols asked for a recording of several (empty: every symbol in it). */
    private readonly symbols: () => string[] = () => [],
    /**
     * The symbols the chosen strategy declares (trade, then watch): with the symbols field empty a recording of several
     * opens with those, in that order, as `ringbook backtest DIR` picks them (src/cli/replay-symbols.ts, chooseSymbols).
     */
    private readonly declared: () => string[] = () => [],
  ) {
    openButton.onclick = () => {
      if (select.value) this.open(select.value);
    };
    fileInput.onchange = () => {
      if (fileInput.files) this.openFiles(fileInput.files);
    };
    // drag and drop anywhere on the page
    document.addEventListener('dragover', (e) => {
      e.preventDefault();
      document.body.classList.add('dragging');
    });
    document.addEventListener('dragleave', (e) => {
      if (e.relatedTarget === null) document.body.classList.remove('dragging');
    });
    document.addEventListener('drop', (e) => {
      e.preventDefault();
      document.body.classList.remove('dragging');
      if (e.dataTransfer?.files) this.openFiles(e.dataTransfer.files);
    });
  }

  /** The source for a select value: a whole recording (GROUP_PREFIX + key) or one file (its path); null if unknown. */
  sourceFor(value: string, typed = this.symbols()): RecordingSource | null {
    if (value.startsWith(SYMBOLS_PREFIX)) {
      const set = this.sets.find((x) => x.key === value.slice(SYMBOLS_PREFIX.length));
      if (!set) return null;
      // none typed: those the strategy declares when the recording holds them all (else every symbol, and the run
      // names the declared ones it lacks)
      const declared = typed.length ? [] : this.declared();
      const asked = typed.length ? typed : declared.length && declared.every((d) => set.groups.some((g) => g.symbol === d)) ? declared : [];
      const held = asked.every((a) => set.groups.some((g) => g.symbol === a));
      // a symbol not in the set: every file goes, so that the worker names it with all the symbols there
      const groups = asked.length && held ? set.groups.filter((g) => asked.includes(g.symbol)) : set.groups;
      const files = groups.flatMap((g) => g.files);
      const symbols = asked.length ? asked : set.groups.map((g) => g.symbol);
      return {
        kind: 'parquet',
        parts: files.map(partOf),
        // a symbol not held is named in the error against this name: the recording as listed, not the symbols asked
        name: `${(held ? symbols : set.groups.map((g) => g.symbol)).join(' + ')} (${plural(files.length, 'file')})`,
        symbols,
        ...tickerOf(groups),
        orders: ordersOf(this.entries, files[0]?.path ?? ''),
      };
    }
    if (value.startsWith(GROUP_PREFIX)) {
      const g = this.groups.find((x) => x.key === value.slice(GROUP_PREFIX.length));
      if (!g || g.files.length === 0) return null;
      const name = g.files.length === 1 ? g.files[0].path : `${g.symbol} (${plural(g.files.length, 'file')})`;
      return { kind: 'parquet', parts: g.files.map(partOf), name, ...tickerOf([g]), orders: ordersOf(this.entries, g.files[0].path) };
    }
    const e = this.entries.find((r) => r.path === value);
    // one file replays with its symbol's funding, as `ringbook backtest FILE` charges it
    const g = e ? this.groups.find((x) => x.key === keyOf(e)) : undefined;
    return {
      kind: 'parquet',
      parts: [e ? partOf(e) : { url: `/data/${value.split('/').map(encodeURIComponent).join('/')}`, name: value }],
      name: value,
      ...tickerOf(g ? [g] : []),
      // and with its recording's own orders, as `ringbook backtest FILE` reads those of the file's root
      orders: ordersOf(this.entries, value),
    };
  }

  open(value: string): void {
    const typed = this.symbols();
    const source = this.sourceFor(value, typed);
    this.opened = source ? { value, typed } : null;
    if (source) this.onOpen(source);
  }

  /** The list entry last opened and the symbols typed for it then; null after a dropped file. */
  private opened: { value: string; typed: string[] } | null = null;

  /**
   * The recording last opened from the list, once more, when another strategy would open it with other symbols
   * (a recording of several opened with the symbols field empty, and a strategy that declares its symbols chosen
   * since, or one that does not after one that did); null when `symbols` (the run's, in order) stay right.
   */
  reopenFor(symbols: readonly string[]): RecordingSource | null {
    if (!this.opened || !this.opened.value.startsWith(SYMBOLS_PREFIX) || this.opened.typed.length) return null;
    const source = this.sourceFor(this.opened.value, this.opened.typed);
    if (source?.kind !== 'parquet' || !source.symbols) return null;
    return source.symbols.join(',') === symbols.join(',') ? null : source;
  }

  /** Parquet files open as they are (several as one recording); anything else is taken for Tardis.dev files to convert. */
  openFiles(list: FileList | File[]): void {
    const all = [...list];
    const isStrategy = (f: File) => /\.(m|c)?[jt]s$/i.test(f.name);
    for (const f of all) if (isStrategy(f)) this.onStrategyFile(f);
    const files = all.filter((f) => !isStrategy(f));
    if (!files.length) return;
    this.opened = null;
    if (files.every((f) => /\.parquet$/i.test(f.name))) {
      const name = files.length === 1 ? files[0].name : `${files.length} files`;
      const symbols = this.symbols();
      this.onOpen({
        kind: 'parquet',
        parts: files.map((file) => ({ file, name: file.name })),
        name,
        ...(symbols.length ? { symbols } : {}),
      });
    } else this.onOpen({ kind: 'tardis', files, name: files.map((f) => f.name).join(' + ') });
  }

  async load(): Promise<void> {
    try {
      const res = await fetch('/api/recordings');
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      this.entries = (await res.json()) as RecordingEntry[];
    } catch (err) {
      this.select.replaceChildren(new Option(`no recording list (${(err as Error).message}): open a local file`, ''));
      return;
    }
    this.groups = groupRecordings(this.entries);
    this.sets = symbolSets(this.groups);
    this.select.replaceChildren();
    if (this.entries.length === 0) this.select.appendChild(new Option('no recordings under --data', ''));
    const whole = document.createElement('optgroup');
    whole.label = 'Recordings: all files of a symbol, one run (as ringbook backtest DIR)';
    const single = document.createElement('optgroup');
    single.label = 'Single files';
    for (const g of this.groups) {
      if (g.files.length) whole.appendChild(new Option(groupLabel(g), GROUP_PREFIX + g.key));
      // a one-file recording is listed once; an unreadable file is listed to say why it is left out
      for (const e of this.entries.filter((x) => keyOf(x) === g.key && !x.stream).sort(byTime))
        if (g.files.length > 1 || e.error) {
          const f = new Option(fileLabel(e), e.path);
          f.disabled = !!e.error;
          single.appendChild(f);
        }
    }
    if (whole.children.length) this.select.appendChild(whole);
    if (this.sets.length) {
      const several = document.createElement('optgroup');
      several.label = 'Several symbols, one strategy over all (as ringbook backtest DIR --symbols)';
      for (const s of this.sets) several.appendChild(new Option(symbolSetLabel(s), SYMBOLS_PREFIX + s.key));
      this.select.appendChild(several);
    }
    if (single.children.length) this.select.appendChild(single);
    this.openButton.disabled = this.groups.every((g) => g.files.length === 0);
  }
}
