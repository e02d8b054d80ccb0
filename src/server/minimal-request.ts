// Privacy by structure (DESIGN promise 2): before a request reaches the app, it is rebuilt with
// only the headers Relais uses. Forwarded-for headers, the user agent, languages, cookies and
// referrers never enter the app, so no route, middleware or log line can store them.

const KEPT_HEADERS = ['content-type', 'content-length', 'authorization', 'accept', 'accept-encoding'];

export function minimalRequest(req: Request): Request {
  const headers = new Headers();
  for (const name of KEPT_HEADERS) {
    const value = req.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers, redirect: 'manual' };
  if (req.body && req.method !== 'GET' && req.method !== 'HEAD') {
    init.body = req.body;
    init.duplex = 'half';
  }
  return new Request(req.url, init);
}
