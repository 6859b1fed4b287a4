/** Same-origin JSON calls to the AAM (`/api/...`) and the farm (`/farm/...`), with the server's error shape. */

/** An error answer of the AAM or the farm: `{"error","field","message"}` with its HTTP status. */
export class ApiError extends Error {
  readonly status: number;
  readonly error: string;
  readonly field: string | null;

  constructor(status: number, error: string, field: string | null, message: string) {
    super(message);
    this.status = status;
    this.error = error;
    this.field = field;
  }

  /** "field: message" when the server named a field, else the message. */
  describe(): string {
    return this.field ? `${this.field}: ${this.message}` : this.message;
  }
}

async function parse<T>(res: Response): Promise<T> {
  const text = await res.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (a proxy's error page, say): keep the text as the message.
      if (!res.ok) throw new ApiError(res.status, `http_${res.status}`, null, text.slice(0, 300));
      throw new ApiError(res.status, 'bad_json', null, `expected JSON from ${res.url}, got: ${text.slice(0, 120)}`);
    }
  }
  if (!res.ok) {
    const b = (body ?? {}) as { error?: string; field?: string | null; message?: string };
    throw new ApiError(res.status, b.error ?? `http_${res.status}`, b.field ?? null, b.message ?? res.statusText);
  }
  return body as T;
}

/** GET a JSON document; throws {@link ApiError} on a 4xx/5xx or a network failure. */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { headers: { Accept: 'application/json' }, signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network', null, `cannot reach ${path}: ${(e as Error).message}`);
  }
  return parse<T>(res);
}

/** POST/PUT/DELETE with an optional JSON body; throws {@link ApiError} on failure. */
export async function sendJson<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: body === undefined ? { Accept: 'application/json' } : { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, 'network', null, `cannot reach ${path}: ${(e as Error).message}`);
  }
  return parse<T>(res);
}
