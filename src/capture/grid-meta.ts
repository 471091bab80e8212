// A recording's grid is written twice in each market file's metadata: the decimal a trader reads (tick_size,
// lot_size) and the scaled integer the records use (price_step at price_scale, size_step at size_scale). A footer
// where the two disagree is damaged or was edited: a backtest would price every order at another tick without a
// word, so backtest stops on it and inspect lists the file as damaged, both with this one text.
import { renderScaled, scaledFromString } from '../feed/instruments';
import type { FileMeta } from './schema';

/** `size` (a plain decimal) equals `step` / 10^`scale`, exactly; else an Error naming the file and the three fields. */
export function gridAgrees(
  where: string,
  sizeKey: string,
  size: string,
  stepKey: string,
  step: string,
  scaleKey: string,
  scale: string,
): void {
  const readable = /^\d+$/.test(step) && /^\d{1,2}$/.test(scale);
  let ok = false;
  try {
    ok = readable && scaledFromString(size, Number(scale), sizeKey) === BigInt(step);
  } catch {
    // not a plain decimal, or finer than the scale: it disagrees
  }
  if (!ok)
    throw new Error(
      `${where}: the metadata contradicts itself: ${sizeKey} ${size}, but ${stepKey} ${step} at ${scaleKey} ${scale} is a step of ${readable ? renderScaled(BigInt(step), Number(scale)) : `"${step}" / 10^"${scale}"`} — the file is damaged or was edited`,
    );
}

/**
 * Both halves of the grid in `meta` agree (gridAgrees), for the pairs the metadata holds: a file without them is
 * reported as such by whoever needs them.
 */
export function gridMetaAgrees(meta: Partial<FileMeta>, where: string): void {
  if (meta.tick_size && meta.price_step && meta.price_scale)
    gridAgrees(where, 'tick_size', meta.tick_size, 'price_step', meta.price_step, 'price_scale', meta.price_scale);
  if (meta.lot_size && meta.size_step && meta.size_scale)
    gridAgrees(where, 'lot_size', meta.lot_size, 'size_step', meta.size_step, 'size_scale', meta.size_scale);
}
