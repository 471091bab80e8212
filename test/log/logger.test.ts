// Logs in both formats: the human one prints messages as given; JSON is one object per line with level, time,
// component, msg and the fields; secrets never appear in either — not from the logger's callers, and not from the
// built commands given real-looking keys through the environment or flags.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { logger, setLogFormat, setLogClock, registerSecret, logFormatIn } from '../../src/log/logger';
import { startCli } from '../helpers/cli-process';

const capture = () => {
  const lines: string[] = [];
  return { sink: (t: string) => lines.push(t), lines };
};

test('human: the message as given; json: one object per line with level, time, component, msg and fields', () => {
  setLogClock(() => new Date('2026-03-01T00:00:00.000Z'));
  const c = capture();
  const log = logger('record', c.sink);
  setLogFormat('human');
  log.info('wrote a file (12 rows)', { rows: 12 });
  log.human('\r status');
  setLogFormat('json');
  log.warn('two\nlines', { rows: 12, ns: 123n, nested: { a: [1, 'x'] }, level: 'not this', bad: NaN });
  log.human('\r status'); // nothing in JSON
  log.child('feed').error('down');
  setLogFormat('human');
  assert.equal(c.lines.slice(0, 2), ['wrote a file (12 rows)\n', '\r status']);
  assert.is(c.lines.length, 4);
  const a = JSON.parse(c.lines[2]);
  assert.equal(a, {
    level: 'warn',
    time: '2026-03-01T00:00:00.000Z',
    component: 'record',
    msg: 'two\nlines',
    rows: 12,
    ns: '123',
    nested: { a: [1, 'x'] },
    bad: 'NaN',
  });
  assert.ok(c.lines[2].endsWith('}\n') && !c.lines[2].slice(0, -1).includes('\n'), 'one line');
  assert.equal(JSON.parse(c.lines[3]), { level: 'error', time: '2026-03-01T00:00:00.000Z', component: 'feed', msg: 'down' });
});

test('secrets: registered values are masked in messages and fields, and secret-named fields whatever they hold', () => {
  const c = capture();
  const log = logger('live', c.sink);
  registerSecret('S3cr3t-Value-XYZ');
  registerSecret('pass-Phrase-42');
  registerSecret('abc'); // too short to mask safely: ignored
  for (const format of ['human', 'json'] as const) {
    setLogFormat(format);
    log.error('auth failed with S3cr3t-Value-XYZ and pass-Phrase-42 (abc)', {
      sent: { header: 'S3cr3t-Value-XYZ' },
      apiSecret: 'anything',
      passphrase: 'anything',
      api_key: 'anything',
      signature: 'anything',
    });
  }
  setLogFormat('human');
  const all = c.lines.join('');
  assert.not.match(all, /S3cr3t-Value-XYZ|pass-Phrase-42|anything/);
  assert.match(c.lines[0], /auth failed with \[redacted\] and \[redacted\] \(abc\)/);
  const j = JSON.parse(c.lines[1]);
  assert.equal(j.sent, { header: '[redacted]' });
  assert.is(j.apiSecret, '[redacted]');
  assert.is(j.api_key, '[redacted]');
});

test('--log-format is found before parsing, in both spellings', () => {
  assert.is(logFormatIn(['demo', '--log-format', 'json']), 'json');
  assert.is(logFormatIn(['demo', '--log-format=json']), 'json');
  assert.is(logFormatIn(['demo', '--log-format', 'xml']), undefined);
  assert.is(logFormatIn(['demo']), undefined);
});

const cli = (...args: string[]) => spawnSync(process.execPath, ['build/ringbook.mjs', ...args], { encoding: 'utf8', timeout: 60_000 });

test('every command takes --log-format; a bad value or a usage error is reported in the format asked for', () => {
  for (const cmd of ['demo', 'live', 'watch', 'record', 'inspect', 'backtest', 'optimize', 'serve', 'exchange', 'doctor', 'bench']) {
    assert.match(cli(cmd, '--help').stdout, /--log-format F\s+log lines as text for people, or json/, cmd);
  }
  const bad = cli('inspect', 'x', '--log-format', 'xml');
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /--log-format "xml" is not one of human, json/);
  const usage = cli('backtest', '--log-format', 'json', '--nope');
  assert.is(usage.status, 2);
  const e = JSON.parse(usage.stderr.trim());
  assert.is(e.level, 'error');
  assert.is(e.component, 'ringbook');
  assert.match(e.msg, /unknown option --nope/);
  assert.is(e.exitCode, 2);
  const failed = cli('inspect', '/nonexistent-ringbook-dir', '--log-format', 'json');
  assert.is(failed.status, 1);
  assert.is(JSON.parse(failed.stderr.trim().split('\n').pop()!).level, 'error');
});

test('the built exchange and live, given keys by flags and environment, never print the secret or passphrase', async () => {
  const KEY = 'bg_live_KEY_0123456789abcdef';
  const SECRET = 'SECRETVALUE_fedcba9876543210';
  const PASS = 'PassPhrase_Zz9_unique';
  for (const format of ['json', 'human']) {
    const ex = startCli(
      ['exchange', '--port', '0', '--api-key', KEY, '--api-secret', SECRET, '--api-passphrase', PASS, '--log-format', 'json'],
      process.env,
    );
    try {
      const { ws, rest } = await ex.waitFor((e) => e.ws);
      const env = { ...process.env, BITGET_API_KEY: KEY, BITGET_API_SECRET: SECRET, BITGET_API_PASSPHRASE: PASS };
      const good = startCli(['live', '--ws-url', ws, '--rest-url', rest, '--duration', '3s', '--log-format', format], env);
      // and with a wrong secret: the exchange refuses it, and the refusal is logged without it
      const wrong = startCli(['live', '--ws-url', ws, '--rest-url', rest, '--duration', '3s', '--log-format', format], {
        ...env,
        BITGET_API_SECRET: `${SECRET}_WRONG`,
      });
      await Promise.all([good.exited, wrong.exited]);
      ex.child.kill('SIGTERM');
      await ex.exited;
      const out = good.text() + wrong.text() + ex.text();
      assert.ok(good.text().includes('trading BTCUSDT'), good.text().slice(0, 400));
      for (const secret of [SECRET, PASS, KEY]) assert.not.ok(out.includes(secret), `${format}: ${secret.slice(0, 6)}… never printed`);
      assert.ok(out.includes(KEY.slice(0, 4)), 'the key is named by its first characters');
    } finally {
      ex.child.kill('SIGKILL');
    }
  }
});

test.run();
