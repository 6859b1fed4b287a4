import { expect, test } from 'vitest';
import type { Marker } from '../live/types';
import { markersNear } from './markersPlugin';

const m = (t: number, label: string): Marker => ({ t, kind: 'chaos', connector: null, label });

test('markers near the cursor, nearest first, within the pixel tolerance', () => {
  const list = [m(10, 'a'), m(12, 'b'), m(30, 'c')];
  const pos = (t: number) => t * 10; // 10 px a second
  expect(markersNear(list, 118, pos).map((x) => x.label)).toEqual(['b']);
  expect(markersNear(list, 110, pos, 25).map((x) => x.label)).toEqual(['a', 'b']);
  expect(markersNear(list, 200, pos)).toEqual([]);
  expect(markersNear([], 0, pos)).toEqual([]);
});
