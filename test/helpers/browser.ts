// Real Chromium for browser tests (Debian's /usr/bin/chromium driven by playwright-core; nothing
// is downloaded), and a capturing proxy in front of the server, so that a test sees every byte
// of every request the page sends — including multipart uploads and requests from workers, which
// the browser's own request events do not always expose.

import { chromium, type Browser } from 'playwright-core';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface Captured {
  method: string;
  path: string;
  requestHeaders: IncomingHttpHeaders;
  body: Buffer;
  status: number;
  responseHeaders: IncomingHttpHeaders;
}

export interface CaptureProxy {
  url: string;
  port: number;
  exchanges: Captured[];
  close(): Promise<void>;
}

/** An HTTP proxy on `port` (0: any) forwarding to `target` and recording every exchange. */
export function startCaptureProxy(target: string, port = 0): Promise<CaptureProxy> {
  const to = new URL(target);
  const exchanges: Captured[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const upstream = httpRequest(
        { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } },
        (up) => {
          const record: Captured = {
            method: req.method ?? '',
            path: req.url ?? '',
            requestHeaders: req.headers,
            body,
            status: up.statusCode ?? 0,
            responseHeaders: up.headers,
          };
          exchanges.push(record);
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const p = (server.address() as AddressInfo).port;
      resolve({ url: `http://127.0.0.1:${p}`, port: p, exchanges, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

/** Every window of `size` bytes of `text` (UTF-8), to look for fragments of it in captured bytes. */
export function fragments(text: string, size = 8): Buffer[] {
  const bytes = Buffer.from(text, 'utf8');
  const out: Buffer[] = [];
  for (let i = 0; i + size <= bytes.length; i += 1) out.push(bytes.subarray(i, i + size));
  return out;
}
