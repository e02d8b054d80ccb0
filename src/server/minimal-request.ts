// Privacy by structure (DESIGN promise 2): before a request reaches the app, it is rebuilt with
// only the headers Relais uses. Forwarded-for headers, the user agent, languages, cookies and
// referrers never enter the app, so no route, middleware or log line can store them.
// A method no route answers (TRACE, CONNECT, PROPFIND, …) is rebuilt as UNSUPPORTED, which the app
// refuses with 405 (promise 10: never a 5xx, and no echo of the input, not even in the log), since
// some methods cannot even make a Request. The body is handed on unread: it is pulled from the
// runtime only when a route reads it, after its checks (src/server/bodies.ts). What the app left
// unread can be dropped afterwards within bounds (`drain`), so that a refusal reaches a client
// that is still sending (promise 10: refusals are delivered).

const KEPT_HEADERS = ['content-type', 'content-length', 'authorization', 'accept', 'accept-encoding', 'relais-pow'];
const PASSED_METHODS = new Set(['GET', 'HEAD', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS']);

export interface MinimalRequest {
  request: Request;
  /**
   * Reads and drops what the app left unread of the body, at most `maxBytes` and for at most
   * `maxMs` (then cancels it), so that a client still sending gets the answer rather than a
   * stalled or reset connection. Nothing read here is kept.
   */
  drain(maxBytes: number, maxMs: number): Promise<void>;
}

/** The runtime's body, opened once, by whichever comes first: the app's reads or the drain. */
class BodySource {
  private reader: ReadableStreamDefaultReader<Uint8Array> | null | undefined;
  private ended = false;

  constructor(private readonly body: () => ReadableStream<Uint8Array> | null) {}

  private open(): ReadableStreamDefaultReader<Uint8Array> | null {
    if (this.reader === undefined) this.reader = this.body()?.getReader() ?? null;
    return this.reader;
  }

  async read(): Promise<ReadableStreamReadResult<Uint8Array>> {
    const reader = this.ended ? null : this.open();
    const next = reader ? await reader.read() : ({ done: true, value: undefined } as const);
    if (next.done) this.ended = true;
    return next;
  }

  async drain(maxBytes: number, maxMs: number): Promise<void> {
    if (this.ended) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), maxMs);
    });
    try {
      let dropped = 0;
      while (dropped <= maxBytes) {
        const next = await Promise.race([this.read(), late]);
        if (next === 'late' || next.done) break;
        dropped += next.value.length;
      }
      if (!this.ended) await this.reader?.cancel();
    } catch {
      // the client went away: nothing left to drain
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A stream over the source that touches it only on the first read. */
function lazyBody(source: BodySource): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await source.read();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      // Not passed on: on Node, cancelling the request's stream destroys the socket before the
      // answer is written; the entries drain what is left of the body (drain, src/node.ts).
      cancel() {},
    },
    { highWaterMark: 0 },
  );
}

export function minimalRequest(req: Request): MinimalRequest {
  const headers = new Headers();
  for (const name of KEPT_HEADERS) {
    const value = req.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  const method = PASSED_METHODS.has(req.method) ? req.method : 'UNSUPPORTED';
  const init: RequestInit & { duplex?: 'half' } = { method, headers, redirect: 'manual' };
  const source = new BodySource(() => req.body);
  if (method === 'UNSUPPORTED') init.body = lazyBody(new BodySource(() => null));
  else if (method !== 'GET' && method !== 'HEAD') init.body = lazyBody(source);
  if (init.body) init.duplex = 'half';
  return { request: new Request(req.url, init), drain: (maxBytes, maxMs) => source.drain(maxBytes, maxMs) };
}
