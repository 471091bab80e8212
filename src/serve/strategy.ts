// The strategies `ringbook serve` hands the replay page: the built-ins bundled from their sources by the loader (so
// the page runs, and reports the hash of, the very bundle `ringbook backtest --strategy NAME` runs), and with
// --strategy FILE the user's file, bundled at start and again on every save. A save that does not build (a syntax
// error, a refused global, a default export that is no strategy) is kept as the error of that version, naming
// file:line, while the last good bundle stays served; nothing a file holds stops the server. The page learns of each
// new version from a server-sent event stream (GET /api/strategy/events) and fetches the state (GET /api/strategy).
import { watch, type FSWatcher } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { basename, dirname, resolve } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bundleStrategy, loadStrategy, type StrategyBundle } from '../strategy/loader';
import { loadBundle } from '../strategy/sandbox';
import { fieldsFor, resolveRun } from '../strategy/resolve';
import { BUILTINS } from '../strategy/builtins/index';
import { errorText } from '../format/errors';

/** What GET /api/strategy answers. */
export interface ServedStrategy {
  /** Bumped by every build whose outcome differs from the last (a new bundle, or a new error). */
  version: number;
  /** This serve process (versions count from 1 in each): a page that reconnects to a restarted serve starts over. */
  instance: string;
  /** The file as given to --strategy. */
  file: string;
  /** The last good bundle and its strategy's name (null until one built). */
  name: string | null;
  bundle: StrategyBundle | null;
  /** Why the newest save does not build (file:line: what), or null. */
  error: string | null;
}

/** How long a module's top level may run in the server's check (it builds one object: milliseconds). */
const LOAD_LIMIT_MS = 2000;

/** Bundles `file` and checks it loads as a strategy whose declared parameters resolve to their defaults. */
export async function buildServedStrategy(file: string): Promise<{ bundle: StrategyBundle; name: string }> {
  const bundle = await bundleStrategy(file);
  // an endless loop at the module's top level must not take the server with it: run it once in a context of its
  // own with a time limit first (what it throws there is left to the real load below, which names the line)
  try {
    runInNewContext(`${bundle.text}\n;void 0;`, {}, { timeout: LOAD_LIMIT_MS, filename: file });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT')
      throw new Error(`${file}: the module did not finish loading within ${LOAD_LIMIT_MS / 1000} s (an endless loop at its top level?)`);
  }
  const loaded = loadBundle(bundle);
  resolveRun(loaded.definition, [], [], fieldsFor(loaded.definition));
  return { bundle, name: loaded.definition.name };
}

const SOURCE = /\.(c|m)?[jt]sx?$/;

/** --strategy FILE, rebuilt whenever a script in its directory changes. */
export class StrategyWatcher {
  state: ServedStrategy;
  private readonly listeners = new Set<(s: ServedStrategy) => void>();
  private watcher: FSWatcher | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    readonly file: string,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.state = { version: 0, instance: `${process.pid}-${Date.now()}`, file, name: null, bundle: null, error: null };
  }

  /** The first build (its error, if any, is the state's: the page shows it), then watching. */
  async start(): Promise<ServedStrategy> {
    await this.build();
    const dir = dirname(resolve(this.file));
    try {
      this.watcher = watch(dir, (_ev, name) => {
        if (name === null || SOURCE.test(String(name)) || String(name) === basename(this.file)) this.soon();
      });
      this.watcher.on('error', (err) => this.log(`  strategy: stopped watching ${dir}: ${err.message}`));
    } catch (err) {
      this.log(`  strategy: cannot watch ${dir} (${(err as Error).message}): saves are not picked up; restart serve after an edit`);
    }
    return this.state;
  }

  /** Editors write a file in several steps: build once they are done (a few ms), never two builds at once. */
  private soon(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.build();
    }, 40);
  }

  /** Builds now (or once more after the build under way); resolves when the state reflects the file as it is now. */
  build(): Promise<void> {
    this.again = true;
    this.running ??= (async () => {
      try {
        while (this.again && !this.closed) {
          this.again = false;
          await this.buildOnce();
        }
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private async buildOnce(): Promise<void> {
    const s = this.state;
    try {
      const { bundle, name } = await buildServedStrategy(this.file);
      if (s.error === null && s.bundle?.hash === bundle.hash) return; // saved without a change
      this.state = { ...s, version: s.version + 1, name, bundle, error: null };
      this.log(`  strategy ${name} from ${this.file}: bundle sha256 ${bundle.hash.slice(0, 12)}… (version ${this.state.version})`);
    } catch (err) {
      const error = errorText(err);
      if (s.error === error) return;
      this.state = { ...s, version: s.version + 1, error };
      const kept = s.bundle ? 'the page keeps the last good bundle' : 'the page has none of it yet: fix it and save';
      this.log(`  strategy ${this.file} does not build (${kept}):\n    ${error.replace(/\n/g, '\n    ')}`);
    }
    if (!this.closed) for (const l of this.listeners) l(this.state);
  }

  subscribe(fn: (s: ServedStrategy) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.watcher?.close();
    this.listeners.clear();
  }
}

/** The built-ins bundled from their sources, once (null for one whose sources are not shipped). */
let builtins: Promise<Array<{ name: string; bundle: StrategyBundle | null }>> | null = null;
function builtinBundles() {
  builtins ??= Promise.all(BUILTINS.map(async (b) => ({ name: b.name, bundle: (await loadStrategy(b.name)).bundle })));
  return builtins;
}

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * The strategy endpoints, for the server's api hook: GET /api/strategies (the built-ins' bundles, and the served
 * file's state without its text), /api/strategy (the served file's state), /api/strategy/bundle.js (its last good
 * bundle, to keep and drop on a page later), /api/strategy/events (a server-sent event per new version). False for
 * any other path.
 */
export function strategyApi(served: StrategyWatcher | null) {
  return async (pathname: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (pathname === '/api/strategies') {
      let list;
      try {
        list = await builtinBundles();
      } catch (err) {
        sendJson(req, res, 500, { error: `cannot bundle the built-in strategies: ${(err as Error).message}` });
        return true;
      }
      const s = served?.state;
      sendJson(req, res, 200, {
        builtins: list.filter((b) => b.bundle),
        served: s ? { version: s.version, file: s.file, name: s.name, hash: s.bundle?.hash ?? null, error: s.error } : null,
      });
      return true;
    }
    if (!pathname.startsWith('/api/strategy')) return false;
    if (!served) {
      sendJson(req, res, 404, { error: 'no strategy file is served: start ringbook serve --strategy FILE' });
      return true;
    }
    if (pathname === '/api/strategy') sendJson(req, res, 200, served.state);
    else if (pathname === '/api/strategy/bundle.js') {
      const b = served.state.bundle;
      if (!b) sendJson(req, res, 404, { error: served.state.error ?? 'no bundle yet' });
      else {
        res.writeHead(200, {
          'Content-Type': 'text/javascript; charset=utf-8',
          'Content-Length': Buffer.byteLength(b.text),
          'Content-Disposition': `attachment; filename="${served.state.name ?? 'strategy'}.bundle.js"`,
          'X-Ringbook-Bundle-Sha256': b.hash,
        });
        res.end(req.method === 'HEAD' ? undefined : b.text);
      }
    } else if (pathname === '/api/strategy/events') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'X-Accel-Buffering': 'no' });
      const send = (s: ServedStrategy) => res.write(`data: ${JSON.stringify({ version: s.version, instance: s.instance })}\n\n`);
      res.write('retry: 1000\n\n');
      send(served.state);
      const off = served.subscribe(send);
      req.on('close', off);
      res.on('error', off);
    } else sendJson(req, res, 404, { error: 'no such endpoint; try /api/strategy or /api/strategy/events' });
    return true;
  };
}
