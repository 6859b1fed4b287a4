/** For component tests: a fake `fetch` answering per "METHOD path" with JSON, recording every call. */
import { vi } from 'vitest';

/** One recorded request. */
export interface Call {
  method: string;
  path: string;
  body: unknown;
}

/** A handler's answer: status (default 200) and JSON body. */
export type Answer = { status?: number; body: unknown };

/**
 * Installs a fake global fetch. Routes are keyed `"GET /api/runs"` (path without query) and may be functions of the
 * call; an unknown route answers 404 with the server's error shape. Returns the list of calls made.
 */
export function fakeServer(routes: Record<string, Answer | ((c: Call & { query: URLSearchParams }) => Answer)>): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: string, init?: RequestInit) => {
      const url = new URL(input, 'http://ui.test');
      const method = init?.method ?? 'GET';
      const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
      const call = { method, path: url.pathname, body };
      calls.push(call);
      const route = routes[`${method} ${url.pathname}`];
      const answer: Answer = route
        ? typeof route === 'function'
          ? route({ ...call, query: url.searchParams })
          : route
        : { status: 404, body: { error: 'not_found', field: null, message: `no route ${method} ${url.pathname}` } };
      return new Response(JSON.stringify(answer.body), { status: answer.status ?? 200, headers: { 'Content-Type': 'application/json' } });
    }),
  );
  return calls;
}
