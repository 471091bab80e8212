// `ringbook record`'s log lines as a trader reads them: counts grouped in thousands, singular for one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { wroteText } from '../../src/cli/record';
import { describeRecovery } from '../../src/capture/recover';

test('a finished file: rows grouped in thousands, "1 row" for one', () => {
  assert.is(wroteText('data/a.parquet', 3130), 'wrote data/a.parquet (3,130 rows)');
  assert.is(wroteText('data/_ticker/b.parquet', 1), 'wrote data/_ticker/b.parquet (1 row)');
  assert.is(wroteText('data/c.parquet', 0), 'wrote data/c.parquet (0 rows)');
});

test('a journal recovered at start: "(1 row)", "(3,130 rows, cut a torn 17-byte tail)"', () => {
  assert.is(
    describeRecovery({ kind: 'recovered', path: 'd/x.parquet', rows: 1, tornBytes: 0 }),
    'recovered d/x.parquet (1 row) left by a killed run',
  );
  assert.is(
    describeRecovery({ kind: 'recovered', path: 'd/x.parquet', rows: 3130, tornBytes: 17 }),
    'recovered d/x.parquet (3,130 rows, cut a torn 17-byte tail) left by a killed run',
  );
});

test.run();
