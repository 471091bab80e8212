// The order socket's HTTP/1.1 response parser: Content-Length and chunked bodies, any split of the bytes, several
// responses in one read, and a clear error for anything a REST venue should not send.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HttpResponseError, HttpResponseParser, type HttpResponse } from '../../src/gateway/http-response';

function parseAll(chunks: Array<string | Buffer>): HttpResponse[] {
  const out: HttpResponse[] = [];
  const p = new HttpResponseParser((r) => out.push(r));
  for (const c of chunks) p.push(typeof c === 'string' ? Buffer.from(c, 'utf8') : c);
  return out;
}

const CL = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n{"code":"00000"}\n';
const CHUNKED = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\n{"code"\r\na;ext=1\r\n:"00000"}\n\r\n0\r\nX-Trailer: 1\r\n\r\n';

test('a Content-Length body', () => {
  const [r] = parseAll([CL]);
  assert.is(r.status, 200);
  assert.is(r.text, '{"code":"00000"}\n');
  assert.is(r.close, false);
  assert.is(r.retryAfterMs, undefined);
});

test('a chunked body with an extension and a trailer', () => {
  const [r] = parseAll([CHUNKED]);
  assert.is(r.text, '{"code":"00000"}\n');
});

test('every split of the bytes gives the same responses', () => {
  for (const whole of [CL, CHUNKED, CL + CHUNKED]) {
    const bytes = Buffer.from(whole);
    const expected = parseAll([bytes]);
    for (let cut = 1; cut < bytes.length; cut++) {
      assert.equal(parseAll([bytes.subarray(0, cut), bytes.subarray(cut)]), expected, `cut at ${cut}`);
    }
    assert.equal(parseAll([...bytes].map((b) => Buffer.from([b]))), expected, 'one byte at a time');
  }
});

test('pipelined responses in one read come out in order', () => {
  const second = 'HTTP/1.1 429 Too Many Requests\r\nRetry-After: 2\r\nContent-Length: 2\r\n\r\n{}';
  const rs = parseAll([CL + CHUNKED + second]);
  assert.equal(
    rs.map((r) => [r.status, r.text, r.retryAfterMs]),
    [
      [200, '{"code":"00000"}\n', undefined],
      [200, '{"code":"00000"}\n', undefined],
      [429, '{}', 2000],
    ],
  );
});

test('UTF-8 split inside a character', () => {
  const body = '{"msg":"détail ✓"}';
  const bytes = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  const cut = bytes.indexOf(0xe2) + 1;
  assert.is(parseAll([bytes.subarray(0, cut), bytes.subarray(cut)])[0].text, body);
});

test('Connection: close and HTTP/1.0 mark the connection as ending', () => {
  assert.is(parseAll(['HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'])[0].close, true);
  assert.is(parseAll(['HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n'])[0].close, true);
  assert.is(parseAll(['HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n'])[0].close, false);
});

test('what a venue should not send is an error that says what', () => {
  const bad: Array<[string, RegExp]> = [
    ['garbage\r\n\r\n', /status line/],
    ['HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello', /without Content-Length or chunked/],
    ['HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n', /both Content-Length and chunked/],
    ['HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n', /two different Content-Length/],
    ['HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', /bad Content-Length/],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n', /unsupported Transfer-Encoding/],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /bad chunk size/],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n', /not followed by CRLF/],
    ['HTTP/1.1 100 Continue\r\n\r\n', /interim response 100/],
    ['HTTP/1.1 200 OK\r\n folded: header\r\nContent-Length: 0\r\n\r\n', /bad header line/],
    ['HTTP/1.1 200 OK\r\n' + 'X: y\r\n'.repeat(5000), /header block longer/],
  ];
  for (const [text, why] of bad) {
    assert.throws(
      () => parseAll([text]),
      (e: unknown) => e instanceof HttpResponseError && why.test(e.message),
      JSON.stringify(text.slice(0, 50)),
    );
  }
});

test('reset forgets a partial response', () => {
  const out: HttpResponse[] = [];
  const p = new HttpResponseParser((r) => out.push(r));
  p.push(Buffer.from(CL.slice(0, 40)));
  assert.ok(p.partial);
  p.reset();
  assert.not.ok(p.partial);
  p.push(Buffer.from(CL));
  assert.is(out.length, 1);
});

test.run();
