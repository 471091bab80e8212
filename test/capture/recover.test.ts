// Listing a recording tree survives symlinks: a link back up the tree is walked once (no ELOOP, no duplicates).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listParquet } from '../../src/capture/recover';

test('a symlink loop in the tree is walked once', () => {
  const root = mkdtempSync(join(tmpdir(), 'ringbook-loop-'));
  const dir = join(root, 'venue=bitget', 'inst_type=USDT-FUTURES', 'symbol=BTCUSDT', 'date=2026-11-28');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '1-0.parquet'), 'x');
  symlinkSync(root, join(dir, 'up'));
  symlinkSync(dir, join(root, 'again'));
  assert.equal(
    listParquet(root).map((p) => p.slice(root.length)),
    ['/venue=bitget/inst_type=USDT-FUTURES/symbol=BTCUSDT/date=2026-11-28/1-0.parquet'],
  );
});

test.run();
