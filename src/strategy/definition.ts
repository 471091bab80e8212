// The shape of a strategy's definition, checked when its module loads (on any thread): a misspelt member (`depht: 5`,
// `instruments: { trades: [...] }`) or a misspelt signal setting (`signals: () => ({ obiLevel: 3 })`) was left unread,
// and the strategy ran on the defaults it meant to change (the touch only, every instrument, 5 OBI levels) without a
// word. Each is refused naming the member and the one meant.
import type { StrategyDefinition } from './api';
import { meantText } from './strict-reads';

const MEMBERS = ['name', 'description', 'params', 'presets', 'validate', 'instruments', 'depth', 'trades', 'signals', 'create'];
const INSTRUMENTS = ['trade', 'watch', 'single'];
const SIGNALS = ['obiLevels', 'obiLambda', 'bandBps', 'ofiLevels', 'tauNs', 'zWindow', 'zSource'];
const Z_SOURCES = ['l1', 'obiN', 'obiW', 'obiBand', 'ofi', 'ofiDecay', 'ofiNorm', 'mlofi', 'microprice'];

/** Throws, naming `who` and the member, on a definition member or instruments field that is not one, or of the wrong type. */
export function checkDefinition(def: StrategyDefinition, who: string): void {
  const problems: string[] = [];
  for (const key of Object.keys(def))
    if (!MEMBERS.includes(key))
      problems.push(`${key} is not a member of a strategy definition${meantText(key, MEMBERS, 'a strategy definition')}`);
  const ins = def.instruments as unknown;
  if (ins !== undefined) {
    if (ins === null || typeof ins !== 'object' || Array.isArray(ins))
      problems.push(`instruments must be an object: { trade: ['ETHUSDT'], watch: ['BTCUSDT'] } or { single: true }`);
    else {
      const o = ins as Record<string, unknown>;
      for (const key of Object.keys(o))
        if (!INSTRUMENTS.includes(key))
          problems.push(`instruments.${key} is not a field of instruments${meantText(key, INSTRUMENTS, 'instruments')}`);
      for (const key of ['trade', 'watch'])
        if (o[key] !== undefined && !(Array.isArray(o[key]) && (o[key] as unknown[]).every((s) => typeof s === 'string')))
          problems.push(`instruments.${key} must be a list of symbols, e.g. ['BTCUSDT'], got ${JSON.stringify(o[key])}`);
      if (o.single !== undefined && typeof o.single !== 'boolean')
        problems.push(`instruments.single must be true or false, got ${JSON.stringify(o.single)}`);
    }
  }
  if (def.signals !== undefined && typeof def.signals !== 'function')
    problems.push('signals must be a function of the parameters: signals: (p) => ({ obiLevels: 3 })');
  if (problems.length > 0) throw new Error(`${who}: ${problems.join('; ')}`);
}

/** `settings` as `signals(p)` returned them; throws, naming `who`, on one that is not a setting (the core would never see it). */
export function checkSignalSettings<T>(settings: T, who: string): T {
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings))
    throw new Error(`${who}: signals(p) must return an object of signal settings (${SIGNALS.join(', ')}), got ${JSON.stringify(settings)}`);
  const problems: string[] = [];
  for (const [key, v] of Object.entries(settings)) {
    if (!SIGNALS.includes(key)) problems.push(`${key} is not a signal setting${meantText(key, SIGNALS, 'a signal settings object')}`);
    else if (key === 'zSource' && v !== undefined && !Z_SOURCES.includes(v as string))
      problems.push(
        `zSource must be one of ${Z_SOURCES.join(', ')}, got ${JSON.stringify(v)}${Z_SOURCES.includes(String(v)) ? '' : meantText(String(v), Z_SOURCES)}`,
      );
  }
  if (problems.length > 0) throw new Error(`${who}: signals(p) returned ${problems.join('; ')}`);
  return settings;
}
