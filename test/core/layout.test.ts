// One source of truth for layouts: the core (assembly/) exports its numbers as WebAssembly globals, and every
// TypeScript mirror of one is held here to the global of the same meaning, in both directions. A table's entries
// carry the table's prefix in the core, camelCase ↔ SNAKE_CASE (R.exchTs ↔ R_EXCH_TS); a scalar has the same name
// on both sides. Adding a field, a code or an offset on one side only fails this test until both agree.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import * as core from '../../src/core/index';
import * as decoder from '../../src/feed/decoder';
import { CV, CsvError } from '../../src/import/tardis-csv';
import { COLUMNS } from '../../src/capture/schema';
import { testCore } from '../helpers/core';

const { R, S, Kind, Side, Flag, Status, State, Field, DecimalError, I, H, RH } = core;
const { FrameKind, FrameError, O, C, Has } = decoder;

type Table = Readonly<Record<string, number>>;

/** Each mirror table, where it lives, and the prefix its entries carry in the core. */
const TABLES: readonly (readonly [prefix: string, where: string, table: Table])[] = [
  ['R_', 'src/core/record.ts R', R],
  ['S_', 'src/core/record.ts S', S],
  ['KIND_', 'src/core/record.ts Kind', Kind],
  ['SIDE_', 'src/core/record.ts Side', Side],
  ['FLAG_', 'src/core/record.ts Flag', Flag],
  ['STATUS_', 'src/core/record.ts Status', Status],
  ['STATE_', 'src/core/record.ts State', State],
  ['F_', 'src/core/record.ts Field', Field],
  ['DEC_', 'src/core/decimal.ts DecimalError', DecimalError],
  ['I_', 'src/core engine I', I],
  ['H_', 'src/core/layout.ts H', H],
  ['RH_', 'src/core/layout.ts RH', RH],
  ['FRAME_', 'src/feed/decoder.ts FrameKind', FrameKind],
  ['FERR_', 'src/feed/decoder.ts FrameError', FrameError],
  ['O_', 'src/feed/decoder.ts O', O],
  ['C_', 'src/feed/decoder.ts C', C],
  ['HAS_', 'src/feed/decoder.ts Has', Has],
  ['CV_', 'src/import/tardis-csv.ts CV', CV],
  ['CSV_ERR_', 'src/import/tardis-csv.ts CsvError', CsvError],
];

/** Mirrored scalars: the same name in the core. */
const SCALARS: Readonly<Record<string, number>> = {
  REC_SIZE: core.REC_SIZE,
  REC_SHIFT: core.REC_SHIFT,
  SIG_SIZE: core.SIG_SIZE,
  SIG_SHIFT: core.SIG_SHIFT,
  SIG_FIELD_COUNT: core.SIG_FIELD_COUNT,
  MAX_OFI_LEVELS: core.MAX_OFI_LEVELS,
  MAX_OBI_LEVELS: core.MAX_OBI_LEVELS,
  REPLAY_SIGNAL: core.REPLAY_SIGNAL,
  REPLAY_RING: core.REPLAY_RING,
  RESERVED_BYTES: core.RESERVED_BYTES,
  MAGIC: core.MAGIC,
  LAYOUT_VERSION: core.LAYOUT_VERSION,
  RING_TABLE: core.RING_TABLE,
  COUNTERS: core.COUNTERS,
  COUNTER_COUNT: core.COUNTER_COUNT,
  CONTROL: core.CONTROL,
  CONTROL_COUNT: core.CONTROL_COUNT,
  CONTROL_LINE: core.CONTROL_LINE,
  SCRATCH: core.SCRATCH,
  SCRATCH_SLOT: core.SCRATCH_SLOT,
  SCRATCH_SLOTS: core.SCRATCH_SLOTS,
  SCRATCH_TEXT: core.SCRATCH_TEXT,
  RINGS: core.RINGS,
  RING_HEADER: core.RING_HEADER,
  OUT_BYTES: decoder.OUT_BYTES,
  CFG_BYTES: decoder.CFG_BYTES,
};

/** Core globals TypeScript has no use for, and why. None may carry a table's prefix: those are always mirrored. */
const CORE_ONLY: Readonly<Record<string, string>> = {
  RING_MAGIC: 'written by ringInit, read by no one but a debugger',
  NO_BID: "the book's price for an absent bid level: BookView asks for the depth first",
  NO_ASK: "the book's price for an absent ask level: BookView asks for the depth first",
  BOOK_WINDOW: "the book's direct-mapped keys per side, inside the core",
  MAX_Z_WINDOW: 'signalsNew caps the z-score capacity at it; TypeScript sees the capped capacity refuse a window',
  Z_MIN_RELATIVE_STD: 'a rule of the z-score inside the core (docs/signals.md)',
  PQ_OK: 'TypeScript tells success from refusal only: a refused group goes down the column path, which says why',
  PQ_BAD_HEADER: 'a Parquet group refusal (see PQ_OK)',
  PQ_BAD_SIZES: 'a Parquet group refusal (see PQ_OK)',
  PQ_BAD_SNAPPY: 'a Parquet group refusal (see PQ_OK)',
  PQ_BAD_DELTA: 'a Parquet group refusal (see PQ_OK)',
  PQ_BAD_COUNT: 'a Parquet group refusal (see PQ_OK)',
  PQ_TOO_BIG: 'a Parquet group refusal (see PQ_OK)',
  PQ_BAD_CRC: 'a Parquet group refusal (see PQ_OK): the column path checks the page again and names it',
};

/** Numbers of src/core/layout.ts that are no core global: held to asconfig.json below. */
const TS_ONLY = ['PAGE', 'DEFAULT_PAGES', 'MAX_PAGES'];

const snake = (camel: string) => camel.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

/** Core name → the mirror that claims it. */
function mirrors(): Map<string, { where: string; value: number }> {
  const out = new Map<string, { where: string; value: number }>();
  const claim = (name: string, where: string, value: number) => {
    const prior = out.get(name);
    assert.ok(!prior, `${where} and ${prior?.where} both mirror ${name}`);
    out.set(name, { where, value });
  };
  for (const [prefix, where, table] of TABLES) {
    for (const [k, v] of Object.entries(table)) claim(prefix + snake(k), `${where}.${k}`, v);
  }
  for (const [name, v] of Object.entries(SCALARS)) claim(name, name, v);
  return out;
}

async function coreGlobals(): Promise<Map<string, number | bigint>> {
  const c = await testCore();
  const x = c.x as unknown as Record<string, WebAssembly.Global>;
  const names = WebAssembly.Module.exports(c.module)
    .filter((e) => e.kind === 'global')
    .map((e) => e.name);
  return new Map(names.map((n) => [n, x[n].value as number | bigint]));
}

const same = (ts: number, wasm: number | bigint) => (typeof wasm === 'bigint' ? BigInt(ts) === wasm : ts === wasm);

test('every TypeScript mirror has a core global of the same value', async () => {
  const globals = await coreGlobals();
  const wrong: string[] = [];
  for (const [name, m] of mirrors()) {
    if (!globals.has(name)) wrong.push(`${m.where} (${m.value}) has no core global ${name}`);
    else if (!same(m.value, globals.get(name)!)) wrong.push(`${m.where} is ${m.value} but the core's ${name} is ${globals.get(name)}`);
  }
  assert.equal(wrong, []);
});

test('every core global is mirrored, or listed as core-only with a reason', async () => {
  const globals = await coreGlobals();
  const m = mirrors();
  const wrong: string[] = [];
  for (const name of globals.keys()) {
    const table = TABLES.find(([prefix]) => name.startsWith(prefix));
    if (m.has(name)) continue;
    if (table) wrong.push(`core global ${name} has no mirror in ${table[1]}`);
    else if (!(name in CORE_ONLY)) wrong.push(`core global ${name} is neither mirrored nor listed as core-only`);
  }
  for (const name of Object.keys(CORE_ONLY)) {
    if (!globals.has(name)) wrong.push(`${name} is listed as core-only but the core exports no such global`);
    if (m.has(name)) wrong.push(`${name} is listed as core-only but ${m.get(name)!.where} mirrors it`);
  }
  assert.equal(wrong, []);
  // the prefixes are the layout families the core uses: each one has members
  for (const [prefix, where] of TABLES)
    assert.ok(
      [...globals.keys()].some((n) => n.startsWith(prefix)),
      `no core global for ${where}`,
    );
});

test('every number the mirror modules export is one of the mirrors above', () => {
  const tables = new Set<unknown>(TABLES.map(([, , t]) => t));
  const scalars = new Set(Object.keys(SCALARS));
  const loose: string[] = [];
  const numeric = (v: unknown): v is Table =>
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.values(v).length > 0 &&
    Object.values(v).every((e) => typeof e === 'number');
  for (const [module, exports] of [
    ['src/core', core],
    ['src/feed/decoder.ts', decoder],
  ] as const) {
    for (const [name, v] of Object.entries(exports)) {
      if (typeof v === 'number' && !scalars.has(name) && !TS_ONLY.includes(name)) loose.push(`${module} ${name}`);
      if (numeric(v) && !tables.has(v)) loose.push(`${module} ${name}`);
    }
  }
  assert.equal(loose, [], 'mirror each in TABLES or SCALARS (and export it from the core), or say why not');
});

test('each decoder error has its message', () => {
  assert.equal(Object.keys(decoder.DecodeError).map(Number).sort(), Object.values(FrameError).sort());
});

test('the memory limits are asconfig.json`s, and the rings use the record sizes', () => {
  const config = JSON.parse(readFileSync('asconfig.json', 'utf8')).options;
  assert.is(config.memoryBase, core.RESERVED_BYTES);
  assert.is(config.initialMemory, core.DEFAULT_PAGES);
  assert.is(config.maximumMemory, core.MAX_PAGES);
  assert.is(core.PAGE, 65536);
  assert.is(1 << core.REC_SHIFT, core.REC_SIZE);
  assert.is(1 << core.SIG_SHIFT, core.SIG_SIZE);
  const shifts = Object.fromEntries(core.RING_SPECS.map((s) => [s.name, s.recShift]));
  assert.equal(shifts, { market: core.REC_SHIFT, signal: core.SIG_SHIFT, capture: core.REC_SHIFT, order: core.REC_SHIFT });
});

test('the Parquet columns sit at the record offsets (all but inst: a file holds one instrument)', () => {
  const fields = Object.keys(R).filter((k) => k !== 'inst');
  const camel = (s: string) => s.replace(/_(.)/g, (_, c: string) => c.toUpperCase());
  assert.equal(
    COLUMNS.map((c) => camel(c.name)),
    fields,
  );
  for (const c of COLUMNS) assert.is(c.at, R[camel(c.name) as keyof typeof R], c.name);
});

test.run();
