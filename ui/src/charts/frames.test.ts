import { expect, test } from 'vitest';
import { FrameQueue } from './frames';

/** A queue on a hand-driven clock and frame list. */
function harness(budget = 6) {
  const frames: (() => void)[] = [];
  let now = 0;
  const q = new FrameQueue((run) => frames.push(run), () => now, budget);
  return {
    q,
    advance: (ms: number) => (now += ms),
    frame: () => frames.shift()?.(),
    waiting: () => frames.length,
  };
}

test('a dozen redraws of 5 ms each are spread over frames, within the budget, not run in one task', () => {
  const h = harness();
  const ran: number[] = [];
  for (let i = 0; i < 12; i++) h.q.schedule(`chart-${i}`, () => { ran.push(i); h.advance(5); });
  expect(ran).toEqual([]); // nothing runs in the caller's task
  expect(h.waiting()).toBe(1);
  const perFrame: number[] = [];
  while (h.waiting() > 0) {
    const before = ran.length;
    h.frame();
    perFrame.push(ran.length - before);
  }
  expect(ran).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  // 5 ms each against a 6 ms budget: two a frame (the second one crosses the budget, then the frame ends).
  expect(perFrame).toEqual([2, 2, 2, 2, 2, 2]);
});

test('one slow redraw still runs alone in its frame', () => {
  const h = harness();
  const ran: string[] = [];
  h.q.schedule('slow', () => { ran.push('slow'); h.advance(40); });
  h.q.schedule('next', () => ran.push('next'));
  h.frame();
  expect(ran).toEqual(['slow']);
  h.frame();
  expect(ran).toEqual(['slow', 'next']);
});

test('a newer redraw of the same chart replaces the queued one; a cancelled one never runs', () => {
  const h = harness();
  const ran: string[] = [];
  h.q.schedule('a', () => ran.push('a1'));
  h.q.schedule('b', () => ran.push('b'));
  h.q.schedule('a', () => ran.push('a2'));
  h.q.schedule('c', () => ran.push('c'));
  h.q.cancel('c');
  expect(h.q.has('a')).toBe(true);
  expect(h.q.pending).toBe(2);
  h.frame();
  expect(ran).toEqual(['a2', 'b']);
  expect(h.waiting()).toBe(0);
});

test('a failing redraw does not stop the others', () => {
  const h = harness();
  const ran: string[] = [];
  const err = console.error;
  console.error = () => {};
  try {
    h.q.schedule('bad', () => { throw new Error('boom'); });
    h.q.schedule('good', () => ran.push('good'));
    h.frame();
  } finally {
    console.error = err;
  }
  expect(ran).toEqual(['good']);
});
