// The hang watchdog's thread (see ./hang-watchdog.ts): watches the session thread's beat and, once it has been still
// for the limit, cancels (and flattens) at the venue through gateways of its own, then ends the process. It writes
// with writeSync: a worker's process.stderr goes through the main thread, which is the one that is stuck.
import { writeSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import { BitgetGateway } from '../gateway/index';
import type { InstrumentGrid } from '../feed/instruments';
import type { ProductType } from '../gateway/wire';
import { logger, registerSecret, setLogFormat } from '../log/logger';
import { duration } from '../format/numbers';
import { handlerIn } from '../strategy/handler-cell';
import type { HangWatchdogData } from './hang-watchdog';
import { errorText } from '../format/errors';

const d = workerData as HangWatchdogData;
setLogFormat(d.logFormat);
for (const s of [d.credentials.apiKey, d.credentials.secret, d.credentials.passphrase]) registerSecret(s);
const log = logger('watchdog', (text) => {
  writeSync(2, text);
});
const beat = new Int32Array(d.beat);

let seen = Atomics.load(beat, 0);
let since = Date.now();
const poll = setInterval(() => {
  const now = Atomics.load(beat, 0);
  if (now !== seen) {
    seen = now;
    since = Date.now();
  } else if (Date.now() - since >= d.limitMs) {
    clearInterval(poll);
    void act(Date.now() - since);
  }
}, d.beatMs);

async function act(stillMs: number): Promise<void> {
  const handler = handlerIn(new Int32Array(d.handler));
  log.error(
    `HUNG: the session's thread has not come back for ${duration(stillMs * 1e6)}: ${handler ? `${handler} of strategy ${d.strategy}` : `a handler of strategy ${d.strategy}`} does not return (an endless loop${handler ? ` in ${handler}` : ''}?). ` +
      (d.venueInProcess
        ? 'The embedded exchange is on that thread too and ends with this process; ending it.'
        : `Cancelling every order of the session${d.flatten ? ' and closing the position' : ''} from the watchdog, then ending the process.`),
    { event: 'hung', strategy: d.strategy, handler, stillMs },
  );
  if (!d.venueInProcess) {
    for (const grid of d.grids) {
      try {
        await cancelAndCheck(grid, d.grids.length > 1);
      } catch (err) {
        log.error(`HUNG: ${grid.symbol}: ${errorText(err)}; check the venue`);
      }
    }
  }
  log.error(
    `HUNG: ending the process (exit code 137).${d.recording ? " The recording's open files are finished the next time ringbook records to the same directory." : ''}`,
  );
  // nothing else can end a loop on the main thread
  process.kill(process.pid, 'SIGKILL');
}

/**
 * Cancels the symbol's open orders (one cancel-all for a one-symbol session; several symbols' sessions cancel each by
 * its own list, so a cancel-all never reaches a symbol the session does not trade), closes the position when asked,
 * then reads the venue's open orders again and says how many are left.
 */
async function cancelAndCheck(grid: InstrumentGrid, bySymbol: boolean): Promise<void> {
  const productType = grid.instType as ProductType;
  const gateway = new BitgetGateway({
    credentials: d.credentials,
    mode: d.mode,
    grid,
    restUrl: d.restUrl,
    privateWs: false,
    autoReconcile: false,
    syncClockOnStart: false,
    flattenPrefix: 'rbhang',
    rest: { timeoutMs: 3000 },
    log: (level, line) => log[level](line),
    onEvent: (e) => {
      if (e.type === 'disconnect') log.error(`${grid.symbol}: ${e.reason}`);
      else if (e.type === 'reject') log.error(`${grid.symbol}: the closing order ${e.clientOid} was refused: ${e.code} ${e.message}`);
    },
  });
  const rest = gateway.rest;
  const pending = async () => (await rest.ordersPending({ productType, symbol: grid.symbol })).entrustedList ?? [];
  try {
    if (bySymbol) {
      const open = await pending();
      for (let i = 0; i < open.length; i += 50)
        await rest.batchCancelOrders({
          symbol: grid.symbol,
          productType,
          orderIdList: open.slice(i, i + 50).map((o) => ({ orderId: o.orderId })),
        });
    } else await rest.cancelAllOrders({ productType });
    if (d.flatten) {
      gateway.handle({ type: 'flatten' });
      await Promise.race([gateway.idle(), new Promise((r) => setTimeout(r, 8000))]);
    }
    const left = (await pending()).length;
    log.error(
      `HUNG: ${grid.symbol}: orders cancelled${d.flatten ? ', position closed' : ''}; ${left === 0 ? 'no order of ours is open at the venue' : `${left} order(s) still open at the venue: cancel them by hand`}`,
    );
  } finally {
    await gateway.stop();
  }
}
