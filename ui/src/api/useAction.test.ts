import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from './http';
import { explainRunConflict, fieldOfRunFailure, useAction } from './useAction';

/** A promise with its resolve and reject, to hold a call open while checking `busy`. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('useAction', () => {
  it('is busy while the call runs, then keeps its result and no error', async () => {
    const { result } = renderHook(() => useAction<string>());
    const d = deferred<string>();
    let done!: Promise<void>;
    act(() => {
      done = result.current.run(() => d.promise);
    });
    expect(result.current.busy).toBe(true);
    expect(result.current.result).toBeNull();
    await act(async () => {
      d.resolve('ok');
      await done;
    });
    expect(result.current.busy).toBe(false);
    expect(result.current.result).toBe('ok');
    expect(result.current.error).toBeNull();
  });

  it('puts an ApiError on the field it names, next to the client errors, and clears both on the next submit', async () => {
    const { result } = renderHook(() => useAction<string>());
    await act(() => result.current.run(() => Promise.reject(new ApiError(400, 'bad_request', 'level', 'unknown level'))));
    expect(result.current.busy).toBe(false);
    expect(result.current.error).toBeInstanceOf(ApiError);
    expect(result.current.errorField).toBe('level');
    expect(result.current.errors).toEqual({});
    expect(result.current.fieldErrors).toEqual({ level: 'unknown level' });

    act(() => result.current.invalid({ duration_s: 'a number' }));
    expect(result.current.error).toBeNull();
    expect(result.current.fieldErrors).toEqual({ duration_s: 'a number' });
  });

  it('a failure that is not an ApiError has no field; a new submit clears the last result unless keepResult', async () => {
    const { result } = renderHook(() => useAction<number>());
    await act(() => result.current.run(async () => 1));
    await act(() => result.current.run(() => Promise.reject(new Error('boom'))));
    expect(result.current.result).toBeNull();
    expect(result.current.errorField).toBeNull();
    expect(result.current.fieldErrors).toEqual({});
    expect((result.current.error as Error).message).toBe('boom');

    const kept = renderHook(() => useAction<number>({ keepResult: true }));
    await act(() => kept.result.current.run(async () => 1));
    act(() => kept.result.current.invalid({ rate: 'too fast' }));
    expect(kept.result.current.result).toBe(1);
    await act(() => kept.result.current.run(() => Promise.reject(new Error('boom'))));
    expect(kept.result.current.result).toBe(1);
  });

  it('explains a 409 of a run and puts it on no field; other 400s keep their field', async () => {
    const { result } = renderHook(() => useAction<string>({ explain: explainRunConflict, fieldOf: fieldOfRunFailure }));
    await act(() => result.current.run(() => Promise.reject(new ApiError(409, 'conflict', 'scenario', 'run r1 is running'))));
    expect(result.current.errorField).toBeNull();
    expect(result.current.fieldErrors).toEqual({});
    expect((result.current.error as ApiError).message).toBe('another run is running — halt it or wait for it (run r1 is running)');
    expect((result.current.error as ApiError).status).toBe(409);

    await act(() => result.current.run(() => Promise.reject(new ApiError(400, 'bad_request', 'seed', 'not a number'))));
    expect(result.current.fieldErrors).toEqual({ seed: 'not a number' });
    expect((result.current.error as ApiError).message).toBe('not a number');
  });

  it('setErrors edits the client errors in place (a field cleared as it is typed)', () => {
    const { result } = renderHook(() => useAction<string, 'id' | 'key'>());
    act(() => result.current.invalid({ id: 'taken', key: 'required' }));
    act(() => result.current.setErrors((e) => ({ ...e, id: undefined })));
    expect(result.current.errors.key).toBe('required');
    expect(result.current.errors.id).toBeUndefined();
  });
});
