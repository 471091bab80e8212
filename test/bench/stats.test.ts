// How every benchmark prints its figures: three significant digits (a slow peer's 0.0845 is not "0.08"), n/a for a
// ratio without a peer figure, and tables and ratio names aligned however long a label is.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fmt, ratioLines, Results, spread } from '../../bench/stats';

test('fmt: three significant digits down to 0.1, two below, n/a when not finite', () => {
  const cases: Array<[number, string]> = [
    [1234.4, '1234'],
    [99.97, '100'],
    [17.46, '17.5'],
    [9.996, '10.0'],
    [1.482, '1.48'],
    [0.91, '0.91'],
    [0.0845, '0.085'],
    [0.004123, '0.0041'],
    [0, '0.00'],
    [NaN, 'n/a'],
    [Infinity, 'n/a'],
  ];
  for (const [x, text] of cases) assert.is(fmt(x), text, String(x));
});

test('ratio lines: names aligned past 40 characters, n/a where a peer gave nothing, pairs beside theirs', () => {
  const lines = ratioLines(
    { core_with_signals_over_reference_book_only: 4.54, short: 17.46, 'no peer': NaN, paired: 1.0 },
    { paired: spread([0.9, 1.0, 1.2]) },
  );
  assert.equal(lines.slice(0, 3), [
    '  ratio core_with_signals_over_reference_book_only 4.54×',
    '  ratio short                                      17.5×',
    '  ratio no peer                                    n/a',
  ]);
  assert.match(lines[3], /^  ratio paired {37}1\.00× {3}pairs: quartiles 0\.95–1\.10, all 0\.90–1\.20, n=3$/);
});

test('table: every row lines up, however long its label', () => {
  const r = new Results();
  r.add('a', 'ringbuf.js 0.4.0 (Float64Array, 8 per record), batch 1', 'M rec/s', 0.68);
  r.add('b', 'short', 'M rec/s', 0.0845);
  const [, a, b] = r.table('t').split('\n');
  assert.is(a.indexOf('M rec/s'), b.indexOf('M rec/s'));
  assert.match(b, /0\.085 M rec\/s +\(0\.085–0\.085, n=1\)$/);
});

test.run();
