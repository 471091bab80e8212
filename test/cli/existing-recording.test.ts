// A recording directory that already holds files, as record/demo/live say it before they add theirs: what is there
// (market files, their symbols and times, trading sessions, unfinished journals), that nothing is overwritten, and
// what a backtest of the directory will then replay.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existingRecording, existingRecordingText } from '../../src/cli/existing-recording';

const touch = (path: string) => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '');
};
const day = (root: string, sym: string) => join(root, `venue=bitget/inst_type=USDT-FUTURES/symbol=${sym}/date=2026-12-06`);

test('an empty or missing directory holds nothing to say', () => {
  const root = mkdtempSync(join(tmpdir(), 'ringbook-existing-'));
  assert.is(existingRecording(root), null);
  assert.is(existingRecording(join(root, 'not-there')), null);
  touch(join(root, 'notes.txt'));
  assert.is(existingRecording(root), null, 'a file that is no part of a recording');
});

test('market files of two symbols, a session and a journal: each counted, the times from the file names', () => {
  const root = mkdtempSync(join(tmpdir(), 'ringbook-existing-'));
  touch(join(day(root, 'BTCUSDT'), '1796596403000000000-0.parquet'));
  touch(join(day(root, 'BTCUSDT'), '1796596463000000000-1.parquet'));
  touch(join(day(root, 'ETHUSDT'), '1796596403500000000-0.parquet'));
  touch(join(day(root, 'ETHUSDT'), '1796596523000000000-0.parquet.partial'));
  touch(join(root, '_ticker', 'venue=bitget/x/1796596403000000000-0.parquet'));
  touch(join(root, '_orders', 'session-1796596402000000000.json'));
  touch(join(root, '_orders', 'session-1796596402000000000.strategy.js'));
  const e = existingRecording(root);
  assert.equal(e, {
    marketFiles: 3,
    symbols: ['BTCUSDT', 'ETHUSDT'],
    firstNs: 1796596403000000000n,
    lastNs: 1796596463000000000n,
    sessions: 1,
    lastSessionNs: 1796596402000000000n,
    journals: 1,
  });
  const text = existingRecordingText('data', e!, { session: true, flag: '--out' });
  assert.is(
    text,
    'data/ already holds a recording: 3 market-data files of BTCUSDT, ETHUSDT (the first begun 2026-12-06T22:33:23Z, the last 2026-12-06T22:34:23Z); ' +
      '1 trading session (the newest session-1796596402000000000.json under _orders/); ' +
      '1 unfinished journal of a recorder that was killed (turned into Parquet files as this one starts). ' +
      'This session adds its files beside them and overwrites nothing, but backtest data/ will replay old and new market data as one recording ' +
      '(--parity checks the newest session; --session NS an earlier one); to keep them apart, stop it now (Ctrl-C) and give another --out',
  );
  const rec = existingRecordingText(
    'd/',
    { ...e!, sessions: 0, journals: 0, marketFiles: 1, lastNs: e!.firstNs },
    { session: false, flag: '--out' },
  );
  assert.match(
    rec,
    /^d\/ already holds a recording: 1 market-data file of BTCUSDT, ETHUSDT \(begun 2026-12-06T22:33:23Z\)\. This recording adds/,
  );
  assert.not.match(rec, /--parity/);
});

test.run();
