// Where the page's strategies come from: the built-ins compiled into the page; the same built-ins as the loader
// bundles them (GET /api/strategies, when `ringbook serve` serves the page: the page then runs, and reports the hash
// of, the bundle `ringbook backtest --strategy NAME` runs); the file of `ringbook serve --strategy FILE`, followed
// version by version over a server-sent event stream (each new good build replaces it, each failed one is reported
// while the last good bundle stays); and prebuilt bundles dropped or chosen on the page (bundle.js as served at
// /api/strategy/bundle.js). Bundles are evaluated on the page thread only to read their declared parameters; the
// worker runs them.
import { BUILTINS } from '../strategy/builtins/index';
import { loadBundle, type StrategyBundle } from '../strategy/sandbox';
import type { StrategyPanel, StrategyOption } from './strategy-panel';

/** What GET /api/strategy answers (src/serve/strategy.ts). */
interface ServedState {
  version: number;
  file: string;
  name: string | null;
  bundle: StrategyBundle | null;
  error: string | null;
}

export interface ServedInfo {
  version: number;
  file: string;
  hash: string | null;
  error: string | null;
}

export interface SourceHooks {
  /** A new good build of the served file (first: the page just loaded it). */
  onServed(o: StrategyOption, first: boolean): void;
  /** The newest save of the served file does not build. */
  onServedError(message: string): void;
  /** A dropped file is no strategy bundle. */
  onError(message: string): void;
}

async function sha256Hex(text: string): Promise<string> {
  const d = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, '0')).join('');
}

export class StrategySources {
  /** The served file's newest version as last fetched (null: no --strategy). */
  served: ServedInfo | null = null;
  private events: EventSource | null = null;
  private fetching: Promise<void> | null = null;
  private wanted = 0;
  /** The serve process the versions count in (a restarted serve counts from 1 again). */
  private instance = '';
  /** The served bundle on the list. */
  private hash: string | null = null;

  constructor(
    private readonly panel: StrategyPanel,
    private readonly hooks: SourceHooks,
  ) {
    for (const b of BUILTINS)
      panel.upsert({ key: `builtin:${b.name}`, choice: { kind: 'builtin', name: b.name }, definition: b.definition, origin: 'built-in' });
  }

  /** The server's bundles of the built-ins and its --strategy file, when there is such a server. */
  async load(): Promise<void> {
    let list: { builtins: Array<{ name: string; bundle: StrategyBundle }>; served: ServedInfo | null };
    try {
      const r = await fetch('/api/strategies');
      if (!r.ok) return; // another server, or a file: URL: the compiled-in built-ins
      list = (await r.json()) as typeof list;
    } catch {
      return;
    }
    for (const b of list.builtins) {
      try {
        const loaded = loadBundle(b.bundle);
        this.panel.upsert({
          key: `builtin:${b.name}`,
          choice: { kind: 'bundle', bundle: b.bundle },
          definition: loaded.definition,
          origin: 'built-in',
        });
      } catch {
        // keep the compiled-in one
      }
    }
    if (list.served) this.follow();
  }

  private follow(): void {
    this.events = new EventSource('/api/strategy/events');
    this.events.onmessage = (ev) => {
      const e = JSON.parse(String(ev.data)) as { version: number; instance: string };
      if (e.instance !== this.instance) {
        this.instance = e.instance;
        this.wanted = 0;
        this.served = null;
      }
      if (e.version > this.wanted) {
        this.wanted = e.version;
        void this.fetchServed();
      }
    };
  }

  /** Fetches the served state until it is at least the newest version announced. */
  private fetchServed(): Promise<void> {
    this.fetching ??= (async () => {
      try {
        while (!this.served || this.served.version < this.wanted) {
          const r = await fetch('/api/strategy', { cache: 'no-store' });
          if (!r.ok) return;
          const s = (await r.json()) as ServedState;
          if (this.served && s.version <= this.served.version) return;
          this.served = { version: s.version, file: s.file, hash: s.bundle?.hash ?? null, error: s.error };
          if (s.bundle && s.bundle.hash !== this.hash) {
            this.hash = s.bundle.hash;
            const first = !this.panel.options.has('served');
            try {
              const loaded = loadBundle(s.bundle);
              const o: StrategyOption = {
                key: 'served',
                choice: { kind: 'bundle', bundle: s.bundle },
                definition: loaded.definition,
                origin: `${s.file}, served and rebuilt on save`,
              };
              this.panel.upsert(o, first);
              if (!s.error) this.hooks.onServed(o, first);
            } catch (err) {
              this.hooks.onServedError(`${s.file}: ${(err as Error).message}`);
            }
          }
          if (s.error) this.hooks.onServedError(s.error);
        }
      } finally {
        this.fetching = null;
      }
    })();
    return this.fetching;
  }

  /** A prebuilt bundle dropped or chosen on the page (a .ts file needs the server to bundle it). */
  async drop(file: File): Promise<StrategyOption | null> {
    if (/\.(m|c)?ts$/i.test(file.name)) {
      this.hooks.onError(
        `${file.name}: the page runs strategy bundles (.js), it cannot compile TypeScript: run ringbook serve --strategy ${file.name}, or drop the bundle it serves at /api/strategy/bundle.js`,
      );
      return null;
    }
    const text = await file.text();
    const bundle: StrategyBundle = { text, hash: await sha256Hex(text), source: file.name };
    try {
      const loaded = loadBundle(bundle);
      const o: StrategyOption = {
        key: `dropped:${bundle.hash}`,
        choice: { kind: 'bundle', bundle },
        definition: loaded.definition,
        origin: `bundle ${file.name}`,
      };
      this.panel.upsert(o, true);
      return o;
    } catch (err) {
      this.hooks.onError((err as Error).message);
      return null;
    }
  }
}
