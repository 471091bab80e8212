// `ringbook import tardis …` and `ringbook import tardis-csv …`: Tardis.dev history into the recorder's Parquet
// layout (docs/import.md). Progress on stderr, the summary on stdout (--json: one object); Ctrl-C, SIGTERM or SIGHUP
// stops it cleanly.
import { lockDir } from './dir-lock';
import { existingRecording, type ExistingRecording } from './existing-recording';
import { onStopSignals, signalExit, signalText } from './stop-signals';
import { checkWritableDir } from '../capture/files';
import { fetchGrids, type InstrumentGrid, type InstType } from '../feed/instruments';
import type { BookChannel } from '../feed/feed-session';
import { gridFromTickLot } from '../import/grid';
import { importTardis, importTardisCsv, type ImportProgress, type ImportSummary } from '../import/import';
import { ImportError } from '../import/record-sink';
import { formatDuration } from '../optimize/folds';
import { asUsage, dirText, parseCommand, renderHelp, UsageError, type CommandSpec, type Flag } from './args';
import { closest } from '../format/suggest';
import { count, plural } from '../format/numbers';
import { jsonLogs, logger } from '../log/logger';

const COMMON = {
  out: {
    type: 'string',
    arg: 'DIR',
    default: 'data',
    description: "recording root; the recorder's hive layout, source=tardis in the metadata",
  },
  roll: {
    type: 'duration',
    arg: 'D',
    default: '1h',
    description: "finish a file after D of local time, at the UTC day's end, or after --max-rows",
  },
  'max-rows': {
    type: 'int',
    arg: 'N',
    default: 1_000_000,
    min: 1000,
    max: 50_000_000,
    description: 'rows per file at most; files end at market-message boundaries',
  },
  json: { type: 'boolean', description: 'print the summary as JSON' },
} as const satisfies Record<string, Flag>;

const IMPORT_NOTES =
  'The same input always gives the same files. A stopped import (Ctrl-C, SIGTERM, SIGHUP) leaves only finished files; run it again to finish. Exit codes: 0 done, 1 failed, 2 bad command line, 130 stopped by Ctrl-C (143 SIGTERM, 129 SIGHUP). See docs/import.md.';

export const IMPORT = {
  name: 'import',
  usage: 'tardis|tardis-csv <inputs…> [options]',
  summary:
    "Tardis.dev history into recordings, in the recorder's Parquet layout: Bitget frames (tardis) or CSV datasets of any venue (tardis-csv).",
  subcommands: [
    [
      'tardis FILE|URL… --symbol S',
      "tardis-machine's replay output, its HTTP replay URL, or Tardis raw data lines (ringbook import tardis --help)",
    ],
    ['tardis-csv BOOK.csv [TRADES.csv]', 'Tardis CSV datasets: incremental_book_L2 and/or trades (ringbook import tardis-csv --help)'],
  ],
  flags: {},
  examples: [
    [
      'import tardis bitget-futures_2026-05-01.ndjson.gz --symbol BTCUSDT --tick 0.1 --lot 0.0001',
      'a day of Bitget BTCUSDT futures into data/',
    ],
    ['import tardis-csv book.csv.gz trades.csv.gz --tick 0.1 --lot 0.001 --out binance/', 'a Tardis CSV pair of any venue into binance/'],
  ],
  notes: IMPORT_NOTES,
} as const satisfies CommandSpec;

export const IMPORT_TARDIS = {
  name: 'import tardis',
  usage: 'FILE|URL… --symbol S[,S] (--tick T --lot L | --rest-url URL) [options]',
  summary:
    'tardis-machine\'s replay output ({"localTimestamp":…,"message":<Bitget frame>} per line, an empty line where the collector disconnected), plain or .gz, or its HTTP replay URL (http://localhost:8000/replay?options=…), or Tardis raw data lines ("<timestamp> <frame>"). Bitget v2 and v3 (since 2026-04-28) books and trade frames go through the live feed\'s decoder, seq/pseq continuity, resync and checksum checks.',
  positionals: { name: 'at least one file or URL', min: 1, max: 100_000 },
  flags: {
    symbol: {
      type: 'list',
      arg: 'S[,S]',
      aliases: ['symbols'],
      noun: 'symbol',
      description: 'the symbols to import (frames of others are counted and skipped)',
    },
    'inst-type': {
      type: 'string',
      arg: 'T',
      default: 'USDT-FUTURES',
      choices: ['USDT-FUTURES', 'COIN-FUTURES', 'USDC-FUTURES', 'SPOT'],
      description: 'instrument type',
    },
    tick: { type: 'string', arg: 'T', description: 'the price tick as the exchange writes it (BTCUSDT futures: 0.1); one symbol' },
    lot: { type: 'string', arg: 'L', description: 'the size step as the exchange writes it (BTCUSDT futures: 0.0001)' },
    'rest-url': {
      type: 'string',
      arg: 'URL',
      description: 'read the grids from a Bitget-compatible REST API instead (https://api.bitget.com)',
    },
    'book-channel': {
      type: 'string',
      arg: 'C',
      default: 'books',
      choices: ['books', 'books15', 'books5', 'books1'],
      description:
        'books: full depth, incremental; books15, books5, books1: whole snapshots (what Tardis kept of Bitget from 2024-11-07 to 2026-04-28)',
    },
    'no-checksum': { type: 'boolean', description: 'skip the books CRC-32 check (seq/pseq are still checked)' },
    ...COMMON,
  },
  examples: [
    ['import tardis bitget-futures_2026-05-01.ndjson.gz --symbol BTCUSDT --tick 0.1 --lot 0.0001', 'a day of BTCUSDT futures into data/'],
    [
      'import tardis "http://localhost:8000/replay?options=…" --symbol BTCUSDT,ETHUSDT --rest-url https://api.bitget.com',
      "two symbols from tardis-machine, grids from Bitget's REST API",
    ],
  ],
  notes: IMPORT_NOTES,
} as const satisfies CommandSpec;

export const IMPORT_CSV = {
  name: 'import tardis-csv',
  usage: 'BOOK.csv[.gz] [TRADES.csv[.gz]] --tick T --lot L [options]',
  summary:
    'Tardis CSV datasets of any venue: one incremental_book_L2 file, one trades file, or both (merged by local time), plain or .gz, as files or their https://datasets.tardis.dev URLs. Prices and sizes are read exactly onto the grid; a value off it stops the import and names the line.',
  positionals: { name: 'an incremental_book_L2 and/or a trades file', min: 1, max: 2 },
  flags: {
    tick: { type: 'string', arg: 'T', description: "the venue's price tick (required)" },
    lot: { type: 'string', arg: 'L', description: "the venue's size step (required)" },
    exchange: {
      type: 'string',
      arg: 'NAME',
      defaultText: "the file's",
      description: 'Tardis exchange id; bitget and bitget-futures land under venue=bitget',
    },
    symbol: { type: 'string', arg: 'S', aliases: ['symbols'], defaultText: "the file's first row's", description: 'the symbol to keep' },
    'inst-type': {
      type: 'string',
      arg: 'T',
      defaultText: 'USDT-FUTURES for bitget-futures, SPOT for bitget, else guessed',
      description: 'the hive inst_type',
    },
    ...COMMON,
  },
  examples: [
    ['import tardis-csv book.csv.gz trades.csv.gz --tick 0.1 --lot 0.001', 'a book and trades pair, merged by local time, into data/'],
    ['import tardis-csv trades.csv.gz --tick 0.01 --lot 0.001 --out trades/', 'trades only'],
  ],
  notes: IMPORT_NOTES,
} as const satisfies CommandSpec;

export async function runImport(argv: string[]): Promise<number> {
  const [kind, ...rest] = argv;
  if (kind === undefined || kind === '--help' || kind === '-h' || kind === 'help') {
    console.log(renderHelp(IMPORT));
    return 0;
  }
  if (kind !== 'tardis' && kind !== 'tardis-csv') {
    const near = closest(kind, ['tardis', 'tardis-csv'], 1);
    throw new UsageError(
      `import: unknown source "${kind}" (expected tardis or tardis-csv${near.length ? `; did you mean ${near[0]}?` : ''}; see ringbook import --help)`,
    );
  }
  const parsed = kind === 'tardis' ? parseCommand(IMPORT_TARDIS, rest) : parseCommand(IMPORT_CSV, rest);
  if (!parsed) return 0;
  const values = parsed.values as {
    symbol?: string[] | string;
    'inst-type'?: string;
    tick?: string;
    lot?: string;
    'rest-url'?: string;
    'book-channel'?: string;
    'no-checksum'?: boolean;
    exchange?: string;
    out: string;
    roll: number;
    'max-rows': number;
    json: boolean;
  };
  const positionals = parsed.positionals;
  const rollNs = BigInt(Math.round(values.roll * 1e6));
  const maxRows = values['max-rows'];
  const flags = importFlags(kind, values);
  // in record's words: a read-only or full disk, a path through a file
  const root = checkWritableDir('--out', values.out);

  const log = logger('import');
  // one writer at a time in a directory: an import beside a recorder (or another import) would mix their files
  const lock = lockDir('--out', values.out, (l) => log.warn(l));
  // as record says it before it starts: files already there are replayed with the imported ones as one recording
  const existing = existingRecording(root);
  if (existing?.marketFiles)
    log.warn(existingText(values.out, existing), {
      event: 'existingRecording',
      dir: root,
      marketFiles: existing.marketFiles,
      symbols: existing.symbols,
    });
  const controller = new AbortController();
  // Ctrl-C, SIGTERM or SIGHUP: the file being filled is dropped, those handed over are finished; a second one ends it
  // at once (a file still being finished stays a .tmp, which nothing reads)
  const stop = onStopSignals({
    stop: (sig) => {
      log.human('\n');
      log.warn(
        `stopping (${signalText(sig)}): finishing the files handed over, dropping the one being filled. A second Ctrl-C, SIGTERM or SIGHUP ends it at once …`,
      );
      controller.abort();
    },
    now: (sig) =>
      log.warn(
        `${signalText(sig)} while stopping: ended at once; the finished files are kept, one still being written stays a .tmp (exit ${signalExit(sig)})`,
      ),
  });
  const tty = process.stderr.isTTY === true && !jsonLogs();
  let lastLine = 0;
  const onProgress = (p: ImportProgress) => {
    const line = progressLine(p);
    if (tty) log.human(`\r${line.padEnd(100)}`);
    else if (p.elapsedMs - lastLine >= 5000) {
      lastLine = p.elapsedMs;
      log.info(line, { event: 'progress', ...p });
    }
  };
  const common = { out: root, rollNs, maxRows, signal: controller.signal, onProgress };
  let summary: ImportSummary;
  try {
    if (kind === 'tardis') {
      const { instType, symbols } = flags;
      const grids = flags.grids ?? (await fetchGrids(values['rest-url']!, instType, symbols));
      const bookChannel = values['book-channel'] ?? 'books';
      summary = await importTardis({
        ...common,
        inputs: positionals,
        grids,
        verifyChecksum: !values['no-checksum'],
        bookChannel: bookChannel as BookChannel,
      });
    } else {
      summary = await importTardisCsv({
        ...common,
        inputs: positionals,
        tick: values.tick!,
        lot: values.lot!,
        exchange: values.exchange,
        symbol: (values.symbol as string | undefined)?.trim(),
        instType: values['inst-type']?.toUpperCase(),
        gridFor: (instType, symbol) => gridFromTickLot(instType, symbol, values.tick!, values.lot!),
      });
    }
  } catch (err) {
    if (tty) log.human('\n');
    if (err instanceof ImportError) throw new Error(`${err.message}${summaryHint()}`);
    throw err;
  } finally {
    stop.release();
    lock.release();
  }
  if (tty) log.human('\n');
  console.log(values.json ? JSON.stringify(summary, (_k, v) => (typeof v === 'bigint' ? String(v) : v), 2) : formatSummary(summary, root));
  if (!summary.stopped) return 0;
  // only a stop signal stops an import short without an error
  const by = stop.by ?? 'SIGINT';
  log.warn(`stopped by ${signalText(by)}: ${plural(summary.files.length, 'finished file')} kept (exit ${signalExit(by)})`);
  return signalExit(by);
}

/**
 * The flags' values checked before anything is opened or written: a missing or malformed one is a usage error (exit
 * 2), as on every command. The grids come from --tick/--lot here, or later from --rest-url (null).
 */
function importFlags(
  kind: 'tardis' | 'tardis-csv',
  values: { symbol?: string[] | string; 'inst-type'?: string; tick?: string; lot?: string; 'rest-url'?: string },
): { instType: InstType; symbols: string[]; grids: InstrumentGrid[] | null } {
  const help = ` (see ringbook import ${kind} --help)`;
  if ((values.tick === undefined) !== (values.lot === undefined))
    throw new UsageError(`give --tick and --lot together (the price tick and the size step)${help}`);
  if (values.tick !== undefined) asUsage(() => gridFromTickLot('', '', values.tick!, values.lot!));
  if (kind === 'tardis-csv') {
    const sym = typeof values.symbol === 'string' ? values.symbol : values.symbol?.join(',');
    if (sym?.includes(','))
      throw new UsageError(
        `--symbol ${sym}: import tardis-csv takes one symbol (a Tardis CSV pair is of one; one run a symbol, into the same --out)${help}`,
      );
    if (values.tick === undefined)
      throw new UsageError(
        `import tardis-csv needs --tick and --lot: the venue's price tick and size step (e.g. --tick 0.1 --lot 0.001)${help}`,
      );
    return { instType: 'USDT-FUTURES', symbols: [], grids: null };
  }
  const instType = (values['inst-type'] ?? 'USDT-FUTURES').toUpperCase() as InstType;
  const symbols = ((values.symbol as string[] | undefined) ?? []).map((s) => s.toUpperCase());
  if (!symbols.length)
    throw new UsageError(`import tardis needs --symbol (e.g. --symbol BTCUSDT): the symbols to import from the frames${help}`);
  if (values.tick !== undefined) {
    if (symbols.length > 1)
      throw new UsageError(`--tick/--lot describe one symbol: import one symbol at a time, or use --rest-url for several${help}`);
    return { instType, symbols, grids: [gridFromTickLot(instType, symbols[0], values.tick, values.lot!)] };
  }
  if (!values['rest-url'])
    throw new UsageError(
      `import tardis needs the instrument grid: --tick and --lot as the exchange writes them (BTCUSDT futures: --tick 0.1 --lot 0.0001), or --rest-url https://api.bitget.com to read them${help}`,
    );
  return { instType, symbols, grids: null };
}

const utc = (ns: bigint) => new Date(Number(ns / 1_000_000n)).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** What --out already holds, and what that means for a backtest of it. */
export function existingText(dir: string, e: ExistingRecording): string {
  const d = dirText(dir);
  const when =
    e.firstNs !== null && e.lastNs !== null
      ? e.firstNs === e.lastNs
        ? ` (begun ${utc(e.firstNs)})`
        : ` (the first begun ${utc(e.firstNs)}, the last ${utc(e.lastNs)})`
      : '';
  return (
    `${d} already holds a recording: ${plural(e.marketFiles, 'market-data file')}${e.symbols.length ? ` of ${e.symbols.join(', ')}` : ''}${when}. ` +
    `This import writes its files beside them (a file of the same name is this import's own from an earlier run, written again the same), ` +
    `but backtest ${d} will replay old and new market data as one recording; to keep them apart, stop it now (Ctrl-C) and give another --out`
  );
}

function summaryHint(): string {
  return '\n(nothing half-written was left: files finished before the error are whole; fix the input or the flags and run again)';
}

/** A size in the unit that keeps it short: a day's input reads in MB or GB, a small one not as "0.0 MB". */
export const sizeText = (n: number): string =>
  n >= 1e9
    ? `${(n / 1e9).toFixed(2)} GB`
    : n >= 1e6
      ? `${(n / 1e6).toFixed(1)} MB`
      : n >= 1e3
        ? `${(n / 1e3).toFixed(1)} kB`
        : plural(n, 'byte');
/**
 * The input's size as the summary says it: the text read, and what it came as when that was less (a .gz, a
 * gzip-encoded response) — the same figures for a file and a URL, a local .gz and one served as a file alike.
 */
export const bytesText = (s: Pick<ImportSummary, 'bytes' | 'inputBytes'>): string =>
  s.inputBytes === s.bytes ? `${sizeText(s.bytes)} of text` : `${sizeText(s.bytes)} of text from ${sizeText(s.inputBytes)} of gzip`;
const ms = (ns: number) => `${(ns / 1e6).toFixed(2)} ms`;

export function progressLine(p: ImportProgress): string {
  const secs = p.elapsedMs / 1000;
  const rate = secs > 0 ? p.rows / secs : 0;
  const which = p.inputs > 1 ? `[${p.index + 1}/${p.inputs}] ` : '';
  let share = '';
  let eta = '';
  if (p.bytesTotal) {
    const f = Math.min(1, p.bytesRead / p.bytesTotal);
    const filled = Math.round(f * 20);
    share = `[${'█'.repeat(filled)}${'░'.repeat(20 - filled)}] ${(f * 100).toFixed(0).padStart(3)}% of ${sizeText(p.bytesTotal)} · `;
    if (f > 0.01 && f < 1 && p.inputs === 1) eta = ` · ${formatDuration(BigInt(Math.round(secs / f - secs)) * 1_000_000_000n)} left`;
  }
  return `  ${which}${share}${plural(p.rows, 'row')} · ${count(rate)} rows/s${eta}`;
}

/** What the checksum check did, claiming only what the counts show. */
function checksumText(k: { ok: number; failed: number; checked: boolean }, bookMessages: number): string {
  if (!k.checked) return 'not checked (--no-checksum)';
  if (bookMessages === 0) return 'none to check (no book frames)';
  const counts = `${count(k.ok)} verified, ${count(k.failed)} failed`;
  return k.ok + k.failed === 0 ? `${counts} (the book frames carry none: Bitget futures books stopped sending them)` : counts;
}

export function formatSummary(s: ImportSummary, root: string): string {
  const secs = s.elapsedMs / 1000;
  const out: string[] = [];
  out.push(
    `${s.stopped ? 'stopped' : 'imported'}: ${plural(s.rows, 'row')} in ${plural(s.files.length, 'file')} under ${root} in ${secs.toFixed(1)} s (${count(secs > 0 ? s.rows / secs : 0)} rows/s; ${plural(s.lines, 'input line')}, ${bytesText(s)})`,
  );
  for (const sym of s.symbols) {
    const span =
      sym.firstNs >= 0n
        ? `${new Date(Number(sym.firstNs / 1_000_000n)).toISOString()} → ${new Date(Number(sym.lastNs / 1_000_000n)).toISOString()}`
        : 'nothing written';
    out.push(`  ${sym.instType} ${sym.symbol}: ${span}`);
  }
  const f = s.frames;
  if (f) {
    const c = f.feed;
    out.push(
      `  frames: ${count(c.bookMessages)} book, ${count(c.tradeMessages)} trade${f.v3Frames ? ` (${count(f.v3Frames)} in Bitget's v3 format)` : ''}; ${plural(c.snapshots, 'snapshot')}, ${plural(c.gaps, 'seq gap')}, ${count(c.stale)} stale, ${plural(f.disconnectLines, 'disconnect')}, ${plural(c.resyncs, 'resync')}; updates waiting for a snapshot ${count(c.beforeSnapshot)}`,
    );
    out.push(
      `  checksums: ${checksumText(f.checksums, c.bookMessages)}; duplicate trades skipped ${count(c.duplicateTrades)}${f.repeatedAtJoin ? `; ${plural(f.repeatedAtJoin, 'line')} repeating the end of the input before skipped (inputs that share their boundary)` : ''}`,
    );
    if (f.skipped.length)
      out.push(
        `  skipped (not imported): ${f.skipped
          .slice(0, 6)
          .map(([k, n]) => `${k.replace(/\|/g, ' ')} ×${n}`)
          .join(', ')}${f.skipped.length > 6 ? ', …' : ''}`,
      );
    if (s.rows === 0 && f.skipped.length) out.push(`  nothing matched --symbol/--inst-type: the input holds the pushes listed above`);
  }
  for (const c of s.csv ?? [])
    out.push(
      `  ${c.kind}: ${plural(c.lines - 1, 'row')}${c.skippedBeforeSnapshot ? `, ${count(c.skippedBeforeSnapshot)} before the first snapshot skipped` : ''}${c.skippedOtherSymbols ? `, ${count(c.skippedOtherSymbols)} of other symbols skipped` : ''}${c.duplicateTrades ? `, ${count(c.duplicateTrades)} sent again (an id kept earlier) left out` : ''}${c.zeroSizeTrades ? `, ${count(c.zeroSizeTrades)} of size 0 left out` : ''}${c.unknownSideTrades ? `, ${count(c.unknownSideTrades)} of side unknown kept (no taker side)` : ''} (${c.input})`,
    );
  if (s.feedLatency)
    out.push(
      `  feed latency (Tardis's collector, local − exchange): p1 ${ms(s.feedLatency.p1)}, p50 ${ms(s.feedLatency.p50)}, p99 ${ms(s.feedLatency.p99)} — rebase to yours with backtest --feed-latency-shift`,
    );
  if (s.strangers.length)
    out.push(
      `  WARNING: ${plural(s.strangers.length, 'file')} this import did not write ${s.strangers.length === 1 ? 'overlaps' : 'overlap'} its time range (an earlier import with other --roll/--max-rows, or a recording), e.g. ${s.strangers[0]}: remove them or import into a fresh --out, or both will be replayed`,
    );
  if (s.stopped) out.push('  only finished files were kept; run the same command again to finish (the same input gives the same files)');
  return out.join('\n');
}
