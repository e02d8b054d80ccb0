// Privacy by structure (DESIGN promise 2): before a request reaches the app, it is rebuilt with
// only the headers Relais uses. Forwarded-for headers, the user agent, languages, cookies and
// referrers never enter the app, so no route, middleware or log line can store them.
// A method no route answers (TRACE, CONNECT, PROPFIND, …) is rebuilt as UNSUPPORTED, which the app
// refuses with 405 (promise 10: never a 5xx, and no echo of the input, not even in the log), since
// some methods cannot even make a Request. The body is handed on unread: it is pulled from the
// runtime only when a route reads it, after its checks (src/server/bodies.ts).

const KEPT_HEADERS = ['content-type', 'content-length', 'authorization', 'accept', 'accept-encoding', 'relais-pow'];
const PASSED_METHODS = new Set(['GET', 'HEAD', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS']);

/** A stream over `source` that touches it only on the first read. */
function lazyBody(source: () => ReadableStream<Uint8Array> | null): ReadableStream<Uint8Array> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const stream = reader ? null : source();
        if (!reader && !stream) return controller.close();
        reader ??= (stream as ReadableStream<Uint8Array>).getReader();
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      // Not passed on: on Node, cancelling the request's stream destroys the socket before the
      // answer is written; the entry drains what is left of the body itself (src/node.ts).
      cancel() {
        reader?.releaseLock();
      },
    },
    { highWaterMark: 0 },
  );
}

export function minimalRequest(req: Request): Request {
  const headers = new Headers();
  for (const name of KEPT_HEADERS) {
    const value = req.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  const method = PASSED_METHODS.has(req.method) ? req.method : 'UNSUPPORTED';
  const init: RequestInit & { duplex?: 'half' } = { method, headers, redirect: 'manual' };
  if (method !== 'GET' && method !== 'HEAD') {
    init.body = lazyBody(() => (method === 'UNSUPPORTED' ? null : req.body));
    init.duplex = 'half';
  }
  return new Request(req.url, init);
}
