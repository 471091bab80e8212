// "Did you mean": the nearest known names only, dotted names matched on their last part too.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closest, didYouMean, levenshtein } from '../../src/format/suggest';

const PATHS = ['entry.threshold', 'exit.threshold', 'cooldown.resetThreshold', 'gates.maxSpreadTicks', 'cooldown.ns'];

test('the nearest name, not every name', () => {
  assert.is(levenshtein('thresold', 'threshold'), 1);
  assert.equal(closest('entry.thresold', PATHS), ['entry.threshold']);
  assert.equal(closest('threshold', PATHS), ['entry.threshold', 'exit.threshold']);
  assert.equal(closest('maxspreadticks', PATHS), ['gates.maxSpreadTicks']);
  assert.equal(closest('zzz', PATHS), []);
  assert.is(didYouMean('sampel', ['sample', 'json']), ' (did you mean sample?)');
  assert.is(didYouMean('zzz', ['sample']), '');
});

test('a shortened name finds the full one: its letters in order, the same first letter', () => {
  const known = ['risk.maxPositionLot', 'risk.maxOrdersPerSecond', 'levels'];
  assert.equal(closest('risk.maxPosLot', known), ['risk.maxPositionLot']);
  assert.equal(closest('maxOrdPerSec', known), ['risk.maxOrdersPerSecond']);
  assert.equal(closest('lvl', known), [], 'too short to be read as a shortening');
});

test.run();
