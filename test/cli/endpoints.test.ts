// Where network commands connect: a malformed --ws-url/--rest-url is a command-line error (exit 2) naming the flag,
// and a local exchange already running is used and said to be someone else's; another program on its port is not.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveEndpoints } from '../../src/cli/endpoints';
import { UsageError } from '../../src/cli/usage-error';
import { createServer } from 'node:http';
import { startExchange } from '../../src/exchange/index';

async function refused(o: { wsUrl?: string; restUrl?: string }, message: string): Promise<void> {
  try {
    await resolveEndpoints(o);
    assert.unreachable('accepted');
  } catch (err) {
    assert.instance(err, UsageError);
    assert.is((err as Error).message, message);
  }
}

test('a malformed or half-given endpoint is a command-line error naming the flag', async () => {
  await refused({ restUrl: 'http://127.0.0.1:9' }, 'give both --ws-url and --rest-url (or neither, for the local exchange)');
  await refused({ wsUrl: 'ws://127.0.0.1:9/x', restUrl: 'notaurl' }, '--rest-url "notaurl" is not a URL (e.g. http://127.0.0.1:8181)');
  await refused(
    { wsUrl: 'http://127.0.0.1:9/x', restUrl: 'http://127.0.0.1:9' },
    '--ws-url "http://127.0.0.1:9/x" must be a ws: or wss: URL (e.g. ws://127.0.0.1:8181/v2/ws/public)',
  );
  assert.equal(await resolveEndpoints({ wsUrl: 'wss://ws.example/v2/ws/public', restUrl: 'https://api.example' }), {
    wsUrl: 'wss://ws.example/v2/ws/public',
    restUrl: 'https://api.example',
    local: false,
  });
});

test("a local exchange already running on the default port is used, and said to be another command's", async () => {
  let ex;
  try {
    ex = await startExchange({ host: '127.0.0.1', port: 8181, seed: 1 });
  } catch {
    return; // the port is someone else's on this machine: nothing to show here
  }
  try {
    const lines: string[] = [];
    const e = await resolveEndpoints({ log: (l) => lines.push(l) });
    assert.is(e.close, undefined, 'not ours to close');
    assert.match(
      lines.join('\n'),
      /using the local exchange already running at http:\/\/127\.0\.0\.1:8181: if another ringbook command started it, it stops when that command ends/,
    );
  } finally {
    await ex.close();
  }
});

test('another program answering on the default port is not taken for the local exchange: one is started elsewhere', async () => {
  // answers Bitget's time route as Bitget would (a proxy, another tool): nothing says it is the simulator
  const other = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"code":"00000","msg":"success","requestTime":1,"data":{"serverTime":"1"}}');
  });
  const listening = await new Promise<boolean>((resolve) => {
    other.once('error', () => resolve(false));
    other.listen(8181, '127.0.0.1', () => resolve(true));
  });
  if (!listening) return; // the port is someone else's on this machine: nothing to show here
  try {
    const lines: string[] = [];
    const e = await resolveEndpoints({ log: (l) => lines.push(l) });
    try {
      assert.ok(e.close, 'a local exchange of its own, to close');
      assert.is.not(e.restUrl, 'http://127.0.0.1:8181');
      assert.match(
        lines.join('\n'),
        /started the local exchange at http:\/\/127\.0\.0\.1:\d+ .*: what answers at http:\/\/127\.0\.0\.1:8181 is not ringbook's local exchange \(no x-ringbook-venue header\)/,
      );
    } finally {
      await e.close?.();
    }
  } finally {
    await new Promise((r) => other.close(r));
  }
});

test.run();
