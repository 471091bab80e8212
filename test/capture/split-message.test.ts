// A message whose records are in two files (a recorder before its roll waited for the message's end could cut one):
// backtest and inspect read the files as one stream, with the same results as the recording uncut.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile } from 'hyparquet';
import { writeCutRecording } from '../helpers/rolled-recording';
import { rowGroups } from '../../src/capture/parquet/reader';
import { endsMessage } from '../../src/core/record';
import { runCli } from '../helpers/cli-run';

const EVENTS = 20_000;

/** Whether the file's last record leaves its message unfinished (the rest is in the next file). */
async function endsInsideMessage(path: string): Promise<boolean> {
  let kind = 0;
  let flags = 0;
  for await (const g of rowGroups(await asyncBufferFromFile(path))) {
    kind = Number(g.columns.kind[g.rows - 1]);
    flags = Number(g.columns.flags[g.rows - 1]);
  }
  return !endsMessage(kind, flags);
}
const tmp = () => mkdtempSync(join(tmpdir(), 'ringbook-split-'));

test('a message cut between two files replays and inspects as the same recording uncut', async () => {
  const whole = tmp();
  await writeCutRecording(whole, EVENTS, []);
  const cut = tmp();
  const paths = await writeCutRecording(cut, EVENTS, [7001, 13_333]);
  assert.is(paths.length, 3);
  assert.ok(await endsInsideMessage(paths[0]), 'the first file ends inside a message');
  const a = runCli('backtest', whole, '--strategy', 'mm-glft', '--json');
  const b = runCli('backtest', cut, '--strategy', 'mm-glft', '--json');
  assert.is(a.code, 0, a.err);
  assert.is(b.code, 0, b.err);
  const ja = JSON.parse(a.out);
  const jb = JSON.parse(b.out);
  assert.equal(jb.pnl, ja.pnl);
  assert.equal(jb.activity, ja.activity);
  assert.is(jb.run.events, ja.run.events);
  const ia = runCli('inspect', whole, '--json');
  const ib = runCli('inspect', cut, '--json');
  assert.is(ib.code, 0, ib.err);
  const sa = JSON.parse(ia.out).streams[0];
  const sb = JSON.parse(ib.out).streams[0];
  assert.is(sb.bookMessages, sa.bookMessages);
  const text = runCli('inspect', cut);
  assert.not.match(text.out + text.err, /WARNING/);
});

test('two symbols, each with a message cut between files: the merged replay is the same as uncut', async () => {
  const whole = tmp();
  await writeCutRecording(whole, EVENTS, [], 7, 'BTCUSDT');
  await writeCutRecording(whole, EVENTS, [], 9, 'ETHUSDT');
  const cut = tmp();
  const btc = await writeCutRecording(cut, EVENTS, [7001, 13_333], 7, 'BTCUSDT');
  const eth = await writeCutRecording(cut, EVENTS, [5002, 11_111], 9, 'ETHUSDT');
  assert.ok((await endsInsideMessage(btc[0])) && (await endsInsideMessage(eth[0])), 'each symbol has a message cut in two');
  const a = runCli('backtest', whole, '--strategy', 'mm-glft', '--json');
  const b = runCli('backtest', cut, '--strategy', 'mm-glft', '--json');
  assert.is(a.code, 0, a.err);
  assert.is(b.code, 0, b.err);
  const ja = JSON.parse(a.out);
  const jb = JSON.parse(b.out);
  assert.is(ja.instruments.length, 2);
  assert.equal(jb.pnl, ja.pnl);
  assert.equal(jb.instruments, ja.instruments);
  assert.is(jb.run.events, ja.run.events);
});

test.run();
