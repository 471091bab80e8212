// `ringbook record`'s log lines as a trader reads them: counts grouped in thousands, singular for one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { wroteText } from '../../src/cli/record';

test('a finished file: rows grouped in thousands, "1 row" for one', () => {
  assert.is(wroteText('data/a.parquet', 3130), 'wrote data/a.parquet (3,130 rows)');
  assert.is(wroteText('data/_ticker/b.parquet', 1), 'wrote data/_ticker/b.parquet (1 row)');
  assert.is(wroteText('data/c.parquet', 0), 'wrote data/c.parquet (0 rows)');
});

test.run();
