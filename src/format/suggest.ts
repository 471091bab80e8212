// "Did you mean …?" for a mistyped name among known ones: strategy parameters (config files, --set, search spaces),
// command-line flags, benchmark and command names. Generic over a list of names, so a strategy that declares its own
// parameters gets the same hints.

/** Edit distance (insertions, deletions, substitutions). */
export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

const tail = (s: string) => s.slice(s.lastIndexOf('.') + 1);

/**
 * The known names closest to `name` (case-insensitive), best first, at most `max`. Dotted names also match on their
 * last part, so `thresold` finds entry.threshold and exit.threshold; a name contained in a known one matches too.
 */
export function closest(name: string, known: readonly string[], max = 5): string[] {
  const k = name.toLowerCase();
  return known
    .map((path) => {
      const p = path.toLowerCase();
      const d = Math.min(levenshtein(k, p), levenshtein(tail(k), tail(p)) + (k.includes('.') ? 1 : 0));
      const near = d <= Math.max(2, Math.floor(tail(k).length / 4)) || (k.length >= 4 && p.includes(k)) || abbreviates(tail(k), tail(p));
      return { path, d, near };
    })
    .filter((s) => s.near)
    .sort((a, b) => a.d - b.d || a.path.localeCompare(b.path))
    .filter((s, _i, all) => s.d === all[0].d) // only the nearest: entry.thresold → entry.threshold, not exit.threshold too
    .slice(0, max)
    .map((s) => s.path);
}

/** `a` is `b` shortened (maxPosLot for maxPositionLot): its letters in order, the same first one, at least 4 of them. */
function abbreviates(a: string, b: string): boolean {
  if (a.length < 4 || a.length >= b.length || a[0] !== b[0]) return false;
  let j = 0;
  for (let i = 0; i < b.length && j < a.length; i++) if (b[i] === a[j]) j++;
  return j === a.length;
}

/** " (did you mean a, b?)" or '' when nothing is close. */
export function didYouMean(name: string, known: readonly string[], max = 5): string {
  const near = closest(name, known, max);
  return near.length ? ` (did you mean ${near.join(', ')}?)` : '';
}
