// `ringbook exchange` with a bad flag value: exit 2 and a message that ends with where the help is, as every
// command's usage errors, whichever check found it (the flag parser, --symbols, --funding-every).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const CLI = join(process.cwd(), 'build/ringbook.mjs');

test('bad values are usage errors: exit 2, "(see ringbook exchange --help)"', () => {
  for (const args of [
    ['--symbols', 'FOO'],
    ['--funding-every', '500ms'],
    ['--latency-ms', '250us'],
    ['--port', 'x'],
  ]) {
    const r = spawnSync(process.execPath, [CLI, 'exchange', ...args], { encoding: 'utf8', timeout: 30_000 });
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr.trim(), /\(see ringbook exchange --help\)$/, args.join(' '));
  }
});

/** The help's footer on durations, unwrapped. */
function durationsFooter(command: string): string {
  const r = spawnSync(process.execPath, [CLI, command, '--help'], { encoding: 'utf8', timeout: 30_000 });
  assert.is(r.status, 0, r.stderr);
  const at = r.stdout.indexOf('\nDurations: ');
  assert.ok(at >= 0, `${command} --help has a Durations footer`);
  return r.stdout.slice(at + 1, r.stdout.indexOf('\n\n', at + 1)).replace(/\s*\n\s*/g, ' ');
}

test('the help footer says where a plain number is not seconds: the -ms flags (ms), --set and --config (their own grammar)', () => {
  // the exchange's -ms flags read 50 as 50 ms (src/cli/exchange-ms.ts): the footer may not say seconds unqualified
  const exchange = durationsFooter('exchange');
  assert.match(exchange, /a plain number is seconds wherever a flag above takes a duration, except in the -ms flags \(/);
  for (const flag of ['--latency-ms', '--jitter-ms', '--stall-ms', '--clock-skew-ms', '--ping-timeout-ms'])
    assert.ok(exchange.includes(flag), flag);
  assert.match(exchange, /, where it is milliseconds\.$/);
  assert.not.match(exchange, /--config|--set/, 'the exchange takes neither');
  // a strategy's duration parameter: a unit in --set, a unit or integer ns in a --config file
  for (const command of ['backtest', 'demo', 'live', 'optimize']) {
    const f = durationsFooter(command);
    assert.not.match(f, /-ms flags/, command);
    assert.match(f, /--set needs its unit .*a --config file takes a unit \("2s"\) or a plain integer of ns\.$/, command);
  }
  assert.match(durationsFooter('record'), /a plain number is seconds wherever a flag above takes a duration\.$/);
});

test.run();
