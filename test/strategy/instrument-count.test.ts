// A strategy declares whether it trades one instrument (instruments.single): every command refuses to start it over
// several symbols before anything runs (no exchange, no directory), and names the built-ins made for several.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTINS } from '../../src/strategy/builtins/index';
import { declaredSymbolsProblem, instrumentCountProblem, multiInstrumentBuiltins } from '../../src/strategy/instrument-count';

const CLI = join(process.cwd(), 'build/ringbook.mjs');

test('the built-ins declare it: obi-ofi and signal-taker trade one instrument, mm-glft and lead-lag several', () => {
  assert.equal(
    BUILTINS.filter((b) => b.definition.instruments?.single).map((b) => b.name),
    ['obi-ofi', 'signal-taker'],
  );
  assert.equal(multiInstrumentBuiltins(), ['mm-glft', 'lead-lag']);
  const obi = BUILTINS[0].definition;
  assert.is(instrumentCountProblem(obi, ['BTCUSDT']), null);
  assert.match(instrumentCountProblem(obi, ['BTCUSDT', 'ETHUSDT']) ?? '', /^--strategy obi-ofi trades one instrument/);
  assert.is(instrumentCountProblem({ name: 'x' }, ['BTCUSDT', 'ETHUSDT']), null, 'undeclared: trades every instrument');
});

test('a declared symbol left out of the symbols asked for: the list to give, declared ones first, as demo says it', () => {
  const pair = { name: 'pair-follow', instruments: { trade: ['BTCUSDT', 'ETHUSDT'] } };
  assert.is(
    declaredSymbolsProblem(pair, ['ETHUSDT']),
    '--symbols ETHUSDT: the strategy declares BTCUSDT too (BTCUSDT, ETHUSDT traded, none watched): try --symbols BTCUSDT,ETHUSDT',
  );
  assert.is(
    declaredSymbolsProblem(pair, ['ETHUSDT'], 'page'),
    'pair-follow declares BTCUSDT too (BTCUSDT, ETHUSDT traded, none watched): open the recording of several symbols (its symbols field empty, or BTCUSDT,ETHUSDT)',
  );
  assert.is(declaredSymbolsProblem(pair, ['SOLUSDT', 'ETHUSDT', 'BTCUSDT']), null, "more than declared is the strategy's to refuse or not");
  assert.is(declaredSymbolsProblem(pair, []), null, 'none asked for: the declaration picks them');
  assert.is(declaredSymbolsProblem({ name: 'x' }, ['ETHUSDT']), null, 'undeclared: trades every instrument of the run');
});

for (const cmd of ['demo', 'live'])
  test(`${cmd} --symbols A,B with the default strategy is a command-line error, before any exchange or directory`, () => {
    const cwd = mkdtempSync(join(tmpdir(), 'rb-count-'));
    try {
      const dir = cmd === 'demo' ? ['--out', 'out'] : ['--record', 'rec'];
      const r = spawnSync(process.execPath, [CLI, cmd, '--symbols', 'BTCUSDT,ETHUSDT', ...dir], { cwd, encoding: 'utf8' });
      assert.is(r.status, 2, r.stderr);
      assert.is(
        r.stderr.trim(),
        'ringbook: --strategy obi-ofi trades one instrument; run it with one --symbol (not BTCUSDT,ETHUSDT), or use a strategy made for several (mm-glft, lead-lag)',
      );
      assert.not.match(r.stdout, /local exchange at|threshold/, 'nothing started, no parameters printed');
      assert.not.ok(existsSync(join(cwd, 'out')) || existsSync(join(cwd, 'rec')), 'no directory made');
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

test.run();
