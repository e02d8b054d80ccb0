// The Node server at the level of raw sockets (DESIGN promise 10; issue 16): every method —
// TRACE, CONNECT, unknown ones — and every broken request gets a 4xx with the security headers,
// never a 5xx or a silent close; a refused upload gets its answer even while the client is still
// sending; `Expect: 100-continue` gets no go-ahead for a body the server refuses; slow clients are
// answered 408. fetch refuses some of these methods, so the requests are written by hand.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECURITY_HEADERS } from '../../src/server/http.ts';
import { startTestServer, type TestServer } from '../helpers/fixture.ts';
import { powHeaders, validSubmission } from '../helpers/intake.ts';

let server: TestServer;
let port: number;

beforeAll(async () => {
  server = await startTestServer();
  port = Number(new URL(server.url).port);
});
afterAll(async () => server.close());

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** how the connection ended: closed cleanly, reset, or still open when we stopped */
  ended: 'close' | 'reset' | 'open';
}

/** Writes `request` (then `more`, chunk by chunk, while reading), and parses the first answer. */
function raw(request: string | Buffer, options: { more?: () => Buffer | null; gapMs?: number; waitMs?: number } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let ended: RawAnswer['ended'] = 'open';
    let settled = false;
    const finish = () => {
      if (settled) return;
      const text = data.toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      if (split === -1) {
        if (ended === 'open') return;
        settled = true;
        return reject(new Error(`no answer (connection ${ended}): ${JSON.stringify(text.slice(0, 200))}`));
      }
      const [statusLine, ...lines] = text.slice(0, split).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['content-length'] ?? 0);
      const body = data.subarray(Buffer.byteLength(text.slice(0, split + 4), 'latin1'));
      if (body.length < length && ended === 'open') return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: Number(statusLine?.split(' ')[1]), headers, body: body.subarray(0, length).toString('utf8'), ended });
    };
    const timer = setTimeout(() => {
      settled = true;
      socket.destroy();
      reject(new Error('no answer in time'));
    }, options.waitMs ?? 20_000);
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      finish();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      ended = e.code === 'ECONNRESET' || e.code === 'EPIPE' ? 'reset' : 'close';
      finish();
    });
    socket.on('close', () => {
      if (ended === 'open') ended = 'close';
      finish();
    });
    socket.write(request);
    if (options.more) {
      const pump = () => {
        if (settled || socket.destroyed) return;
        const next = options.more?.();
        if (next === null || next === undefined) return;
        if (socket.write(next)) setTimeout(pump, options.gapMs ?? 0);
        else socket.once('drain', pump);
      };
      setTimeout(pump, options.gapMs ?? 0);
    }
  });
}

function expectSecurityHeaders(answer: RawAnswer) {
  for (const [name, value] of Object.entries(SECURITY_HEADERS))
    expect(answer.headers[name.toLowerCase()], `${name} in ${JSON.stringify(answer)}`).toBe(value);
}

const host = () => `Host: 127.0.0.1:${port}\r\n`;

describe('every method gets a 4xx with the security headers', () => {
  it.each([
    ['TRACE', '/'],
    ['TRACE', '/api/v1/reports'],
    ['TRACK', '/'],
    ['OPTIONS', '/api/v1/reports'],
    ['PATCH', '/api/v1/session'],
    ['PROPFIND', '/'],
    ['MKCOL', '/api/v1/config'],
    ['PURGE', '/'],
    ['FOO', '/'],
    ['G3T', '/api/v1/config'],
  ])('answers %s %s with 405 and the headers, without echoing the method', async (method, path) => {
    const answer = await raw(`${method} ${path} HTTP/1.1\r\n${host()}Content-Length: 0\r\n\r\n`);
    expect(answer.status).toBe(405);
    expect(JSON.parse(answer.body).error).toBe('method_not_allowed');
    expect(answer.body).not.toContain(method);
    expectSecurityHeaders(answer);
  });

  it('answers CONNECT with 405 and the headers', async () => {
    const answer = await raw(`CONNECT 127.0.0.1:22 HTTP/1.1\r\n${host()}\r\n`);
    expect(answer.status).toBe(405);
    expectSecurityHeaders(answer);
  });

  it('answers a request asking for an upgrade like any other', async () => {
    const answer = await raw(`GET /api/v1/config HTTP/1.1\r\n${host()}Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n`);
    expect(answer.status).toBeLessThan(500);
    expectSecurityHeaders(answer);
  });

  it.each([
    ['garbage', () => Buffer.from('\x00\x01\x02 nothing like HTTP\r\n\r\n', 'latin1')],
    ['a broken request line', () => `GET\r\n${host()}\r\n`],
    ['a bad header', () => `GET / HTTP/1.1\r\n${host()}Bad Header\r\n\r\n`],
    ['no Host header', () => 'GET / HTTP/1.1\r\n\r\n'],
    ['a Host header no URL can be made of', () => 'GET / HTTP/1.1\r\nHost: a b:c\r\n\r\n'],
    ['two lengths', () => `POST /api/v1/challenges HTTP/1.1\r\n${host()}Content-Length: 1\r\nContent-Length: 2\r\n\r\nxx`],
    [
      'a length and chunks',
      () => `POST /api/v1/challenges HTTP/1.1\r\n${host()}Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    ],
    ['a huge length', () => `POST /api/v1/challenges HTTP/1.1\r\n${host()}Content-Length: 99999999999999999999999\r\n\r\n`],
    [
      'broken chunks',
      () => `POST /api/v1/challenges HTTP/1.1\r\n${host()}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`,
    ],
  ])('answers %s with a 4xx and the headers', async (_, request) => {
    const answer = await raw(request());
    expect(answer.status, JSON.stringify(answer)).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expectSecurityHeaders(answer);
  });

  it('answers headers over the limit with 431', async () => {
    const answer = await raw(`GET / HTTP/1.1\r\n${host()}X-Pad: ${'a'.repeat(40_000)}\r\n\r\n`);
    expect(answer.status).toBe(431);
    expectSecurityHeaders(answer);
  });
});

describe('refusals are delivered', () => {
  it('answers an upload without proof of work while the client is still sending, and the connection ends cleanly', async () => {
    const total = 40 * 1024 * 1024;
    let sent = 0;
    const chunk = Buffer.alloc(256 * 1024, 0x41);
    const answer = await raw(
      `POST /api/v1/reports HTTP/1.1\r\n${host()}Content-Type: multipart/form-data; boundary=x\r\nContent-Length: ${total}\r\n\r\n`,
      {
        more: () => {
          if (sent >= total) return null;
          sent += chunk.length;
          return chunk;
        },
      },
    );
    expect(answer.status).toBe(422);
    expect(JSON.parse(answer.body).error).toBe('pow_missing');
    expectSecurityHeaders(answer);
  });

  it('lets a client that asked to close the connection finish sending after the refusal, then closes cleanly', async () => {
    const total = 8 * 1024 * 1024;
    const socket = connect(port, '127.0.0.1');
    const outcome = await new Promise<{ answer: string; ended: string }>((resolve) => {
      let answer = '';
      let ended = '';
      socket.on('data', (chunk) => {
        answer += chunk.toString('latin1');
      });
      socket.on('error', (e: NodeJS.ErrnoException) => {
        ended = e.code ?? 'error';
      });
      socket.on('close', () => resolve({ answer, ended: ended || 'close' }));
      socket.write(
        `POST /api/v1/reports HTTP/1.1\r\n${host()}Connection: close\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: ${total}\r\n\r\n`,
      );
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      let sent = 0;
      const pump = () => {
        while (sent < total) {
          sent += chunk.length;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
        socket.end();
      };
      pump();
    });
    expect(outcome.answer).toMatch(/^HTTP\/1\.1 422 /);
    expect(outcome.ended).toBe('close');
  });

  it('answers a declared size over the limit with 413 before reading the body', async () => {
    const s = await validSubmission(server.url);
    const pow = powHeaders(s)['Relais-Pow'];
    const answer = await raw(
      `POST /api/v1/reports HTTP/1.1\r\n${host()}Relais-Pow: ${pow}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: ${500 * 1024 * 1024}\r\n\r\n`,
    );
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error).toBe('body_too_large');
  });

  it('sends no go-ahead for a body it refuses, and says it closes the connection', async () => {
    const answer = await raw(
      `POST /api/v1/reports HTTP/1.1\r\n${host()}Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 1000000\r\nExpect: 100-continue\r\n\r\n`,
    );
    expect(answer.status).toBe(422);
    expect(answer.headers.connection).toBe('close');
  });

  it('sends the go-ahead once the route reads the body', async () => {
    const body = JSON.stringify({ purpose: 'report' });
    const socket = connect(port, '127.0.0.1');
    const text = await new Promise<string>((resolve, reject) => {
      let data = '';
      socket.on('error', reject);
      socket.on('data', (chunk) => {
        data += chunk.toString();
        if (data.startsWith('HTTP/1.1 100') && data.endsWith('\r\n\r\n') && !data.includes('201')) socket.write(body);
        if (data.includes('"challenge"')) resolve(data);
      });
      socket.write(
        `POST /api/v1/challenges HTTP/1.1\r\n${host()}Content-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`,
      );
    });
    socket.destroy();
    expect(text).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 201 /);
  });
});

describe('slow clients', () => {
  let slow: TestServer;
  let slowPort: number;
  beforeAll(async () => {
    slow = await startTestServer(undefined, {
      httpLimits: { headersTimeoutMs: 1500, requestTimeoutMs: 4000, checkIntervalMs: 250, maxConnections: 6 },
      bodyIdleMs: 1000,
    });
    slowPort = Number(new URL(slow.url).port);
  });
  afterAll(async () => slow.close());

  const rawSlow = (request: string, options: Parameters<typeof raw>[1] = {}) => {
    const saved = port;
    port = slowPort;
    try {
      return raw(request, options);
    } finally {
      port = saved;
    }
  };

  it('answers headers that never end with 408 and the headers', async () => {
    const answer = await rawSlow(`GET /api/v1/config HTTP/1.1\r\n${host()}X-Slow: 1\r\n`);
    expect(answer.status).toBe(408);
    expectSecurityHeaders(answer);
  });

  it('answers a body that stops arriving with 408 body_timeout', async () => {
    const pow = powHeaders(await validSubmission(slow.url))['Relais-Pow'];
    const answer = await rawSlow(
      `POST /api/v1/reports HTTP/1.1\r\n${host()}Relais-Pow: ${pow}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 100000\r\n\r\n--x\r\n`,
    );
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body).error).toBe('body_timeout');
    expectSecurityHeaders(answer);
  });

  it('answers a body that trickles in for longer than a request may take with 408', async () => {
    const pow = powHeaders(await validSubmission(slow.url))['Relais-Pow'];
    const answer = await rawSlow(
      `POST /api/v1/reports HTTP/1.1\r\n${host()}Relais-Pow: ${pow}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 100000\r\n\r\n--x\r\nContent-Disposition: form-data; name="meta"\r\n\r\n`,
      { more: () => Buffer.from(' '), gapMs: 200 },
    );
    expect(answer.status).toBe(408);
    expectSecurityHeaders(answer);
  });

  it('answers a connection past the cap with 503 server_busy and Retry-After, never a silent close', async () => {
    const held: Socket[] = [];
    try {
      for (let i = 0; i < 6; i++) {
        const socket = connect(slowPort, '127.0.0.1');
        await new Promise((resolve) => socket.once('connect', resolve));
        held.push(socket);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      const answer = await rawSlow(`GET /api/v1/config HTTP/1.1\r\n${host()}\r\n`);
      expect(answer.status).toBe(503);
      expect(JSON.parse(answer.body).error).toBe('server_busy');
      expect(answer.headers['retry-after']).toBe('5');
      expectSecurityHeaders(answer);
    } finally {
      for (const socket of held) socket.destroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await rawSlow(`GET /api/v1/config HTTP/1.1\r\n${host()}\r\n`)).status).toBe(200);
  });
});
