// A small typed client for the Relais HTTP API, on fetch only, shared by the CLI and the web
// pages. Errors from the server arrive as ApiClientError with the server's stable code; a server
// that cannot be reached, as NetworkError naming the URL and the cause (ECONNREFUSED, ENOTFOUND,
// a certificate problem…).

import type { PublicConfig } from '../server/public-config.ts';

export class ApiClientError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * The request never got an answer. A TypeError, as fetch's own network failures are, so code that
 * retries those keeps working.
 */
export class NetworkError extends TypeError {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach ${url}: ${reason}`);
  }
}

/** The most telling words for why fetch failed: Node's error code and message, or fetch's own. */
export function networkReason(e: unknown): string {
  const seen = new Set<unknown>();
  let current: unknown = e;
  let fallback = e instanceof Error ? e.message : String(e);
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    const { code, message } = current as Error & { code?: unknown };
    if (typeof code === 'string') return message && !message.includes(code) ? `${code} (${message})` : message || code;
    if (current instanceof AggregateError && current.errors.length > 0) current = current.errors[0];
    else current = (current as Error & { cause?: unknown }).cause;
    if (current instanceof Error && current.message) fallback = current.message;
  }
  return fallback;
}

const BUSY_RETRIES = 3;

/**
 * Milliseconds to wait before trying again after a 503 whose Retry-After is short (server_busy:
 * seconds; a full disk asks for minutes and is not tried again), or null.
 */
export function busyWait(res: { status: number; headers: { get(name: string): string | null } }): number | null {
  if (res.status !== 503) return null;
  const seconds = Number(res.headers.get('Retry-After'));
  return Number.isFinite(seconds) && seconds > 0 && seconds <= 10 ? seconds * 1000 : null;
}

export interface ApiClientOptions {
  /** base URL of the server, e.g. http://127.0.0.1:8787 */
  server: string;
  token?: string;
  fetch?: typeof fetch;
}

export class ApiClient {
  private readonly base: string;
  private readonly doFetch: typeof fetch;
  token: string | undefined;

  constructor(options: ApiClientOptions) {
    this.base = options.server.replace(/\/+$/, '');
    this.doFetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.token = options.token;
  }

  /**
   * `authorization` overrides the staff bearer token (the resident's follow-up token uses it);
   * `extra` adds headers (a report's proof of work). A 503 server_busy is tried again after the
   * server's Retry-After, a few times, since nothing was read or stored.
   */
  async request(
    method: string,
    path: string,
    body?: BodyInit,
    contentType?: string,
    authorization?: string,
    extra: Record<string, string> = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { ...extra };
    if (contentType) headers['Content-Type'] = contentType;
    if (authorization) headers.Authorization = authorization;
    else if (this.token) headers.Authorization = `Bearer ${this.token}`;
    const url = `${this.base}${path}`;
    let res: Response;
    for (let attempt = 0; ; attempt++) {
      try {
        res = await this.doFetch(url, {
          method,
          headers,
          ...(body !== undefined ? { body } : {}),
          referrerPolicy: 'no-referrer',
          credentials: 'omit',
          cache: 'no-store',
        });
      } catch (e) {
        if (e instanceof DOMException && e.name === 'AbortError') throw e;
        throw new NetworkError(url, networkReason(e));
      }
      const wait = busyWait(res);
      if (wait === null || attempt >= BUSY_RETRIES || body instanceof ReadableStream) break;
      await res.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    if (!res.ok) {
      let data: Record<string, unknown> = {};
      try {
        data = (await res.json()) as Record<string, unknown>;
      } catch {
        // not JSON: keep the status only
      }
      throw new ApiClientError(res.status, String(data.error ?? `http_${res.status}`), String(data.message ?? res.statusText), data);
    }
    return res;
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.request(
      method,
      path,
      body === undefined ? undefined : JSON.stringify(body),
      body === undefined ? undefined : 'application/json',
    );
    return (await res.json()) as T;
  }

  async bytes(path: string): Promise<Uint8Array> {
    return new Uint8Array(await (await this.request('GET', path)).arrayBuffer());
  }

  config(): Promise<PublicConfig> {
    return this.json('GET', '/api/v1/config');
  }

  challenge(purpose: 'report' | 'lookup'): Promise<{ challenge: string; bits: number }> {
    return this.json('POST', '/api/v1/challenges', { purpose });
  }
}
