import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { usePoll } from './usePoll';

describe('usePoll', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('loads at once, then every interval, and keeps the last value through an error', async () => {
    let n = 0;
    const load = vi.fn(async () => {
      n++;
      if (n === 2) throw new Error('server down');
      return n;
    });
    const { result } = renderHook(() => usePoll(load, 2000, 'k'));
    await act(async () => {});
    expect(result.current.data).toBe(1);
    expect(result.current.error).toBeNull();

    await act(async () => vi.advanceTimersByTime(2000));
    expect(result.current.data).toBe(1);
    expect(result.current.error?.message).toBe('server down');

    await act(async () => vi.advanceTimersByTime(2000));
    expect(result.current.data).toBe(3);
    expect(result.current.error).toBeNull();
  });

  it('drops the old value when the key changes and loads nothing for a null loader', async () => {
    const { result, rerender } = renderHook(({ k }: { k: string }) => usePoll(k === 'none' ? null : async () => k, 1000, k), {
      initialProps: { k: 'a' },
    });
    await act(async () => {});
    expect(result.current.data).toBe('a');
    rerender({ k: 'none' });
    await act(async () => {});
    expect(result.current.data).toBeNull();
  });

  it('stops polling after unmount', async () => {
    const load = vi.fn(async () => 1);
    const { unmount } = renderHook(() => usePoll(load, 1000, 'k'));
    await act(async () => {});
    unmount();
    await act(async () => vi.advanceTimersByTime(5000));
    expect(load).toHaveBeenCalledTimes(1);
  });
});
