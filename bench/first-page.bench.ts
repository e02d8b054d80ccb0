// Benchmark of the resident's first page on a slow connection (issue: "usable in under 3 s on a
// slow 3G profile"; DESIGN: a cheap phone in a hostile neighbourhood). In real Chromium with
// WebPageTest's "3G Slow" profile (400 ms round trip, 400 kbit/s each way), it measures:
//   - the baseline: a bare page of a few bytes from the same server, the network's floor;
//   - the resident form: until the HTML is parsed, until it is painted, and until it is usable
//     (its script has run and the form seals in the browser);
// and prints, for everything the page loads, the bytes on the wire (gzip for scripts and styles)
// and uncompressed, and the crypto worker's size, which is fetched only when the resident starts
// writing. Nothing here passes or fails on time.
import type { Browser, CDPSession, Page } from 'playwright-core';
import { launchChromium } from '../test/helpers/browser.ts';
import { makeFixture, startTestServer } from '../test/helpers/fixture.ts';
import { buildWeb } from '../src/cli/build-web.ts';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const SLOW_3G = { offline: false, latency: 400, downloadThroughput: 400_000 / 8, uploadThroughput: 400_000 / 8 };
const ROUNDS = 5;

interface Load {
  parsed: number;
  painted: number;
  usable: number;
  bytes: Map<string, { wire: number; raw: number }>;
}

async function slowPage(browser: Browser): Promise<{ page: Page; cdp: CDPSession }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
  return { page, cdp };
}

async function load(browser: Browser, url: string, usableSelector: string | null): Promise<Load> {
  const { page, cdp } = await slowPage(browser);
  const bytes = new Map<string, { wire: number; raw: number }>();
  const urls = new Map<string, string>();
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, new URL(e.request.url).pathname));
  cdp.on('Network.dataReceived', (e) => {
    const path = urls.get(e.requestId) ?? '?';
    const b = bytes.get(path) ?? { wire: 0, raw: 0 };
    b.raw += e.dataLength;
    bytes.set(path, b);
  });
  cdp.on('Network.loadingFinished', (e) => {
    const path = urls.get(e.requestId) ?? '?';
    const b = bytes.get(path) ?? { wire: 0, raw: 0 };
    b.wire = e.encodedDataLength;
    bytes.set(path, b);
  });
  const start = Date.now();
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  const parsed = Date.now() - start;
  if (usableSelector) await page.waitForSelector(usableSelector, { state: 'visible' });
  const usable = Date.now() - start;
  const painted = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN);
  await page.waitForLoadState('networkidle');
  await page.context().close();
  return { parsed, painted, usable, bytes };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

export default async function (): Promise<void> {
  await buildWeb({ quiet: true });
  const server = await startTestServer(await makeFixture());
  const browser = await launchChromium();
  try {
    const baseline: Load[] = [];
    const form: Load[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // The baseline: the smallest answer this server gives, through the same network.
      baseline.push(await load(browser, `${server.url}/api/v1/nowhere`, null));
      form.push(await load(browser, `${server.url}/`, '#sealed-here'));
    }
    const floor = median(baseline.map((l) => l.parsed));
    console.log(`profile: 3G Slow (${SLOW_3G.latency} ms RTT, ${(SLOW_3G.downloadThroughput * 8) / 1000} kbit/s), median of ${ROUNDS}`);
    console.log(`baseline (tiny answer): ${floor} ms`);
    const row = (name: string, values: number[]) => {
      const m = median(values);
      console.log(`${name.padEnd(30)} ${String(Math.round(m)).padStart(6)} ms   ${(m / floor).toFixed(1)}× baseline`);
    };
    row(
      'form HTML parsed',
      form.map((l) => l.parsed),
    );
    row(
      'form first contentful paint',
      form.map((l) => l.painted),
    );
    row(
      'form usable (script ran)',
      form.map((l) => l.usable),
    );
    console.log('\nwhat the first page loads (bytes on the wire / uncompressed):');
    let wire = 0;
    let raw = 0;
    for (const [path, b] of (form[0] as Load).bytes) {
      console.log(`  ${path.padEnd(40)} ${String(b.wire).padStart(7)} / ${String(b.raw).padStart(7)}`);
      wire += b.wire;
      raw += b.raw;
    }
    console.log(`  ${'total'.padEnd(40)} ${String(wire).padStart(7)} / ${String(raw).padStart(7)}`);

    // The crypto worker is fetched (and checked) by the page when the resident starts writing,
    // the strippers by the worker when the file picker opens: measured from the files,
    // gzip-compressed as the server sends them. Neither has chunks (web/src/checked-load.ts).
    console.log('\nfetched only once the resident starts writing (gzip / uncompressed):');
    const assets = fileURLToPath(new URL('../web/dist/assets/', import.meta.url));
    const sizeOf = (f: string) => {
      const bytes = readFileSync(`${assets}${f}`);
      return { gz: gzipSync(bytes).length, raw: bytes.length };
    };
    const worker = sizeOf('resident-worker.js');
    const lazy = worker.gz;
    console.log(`  ${'resident-worker.js'.padEnd(40)} ${String(worker.gz).padStart(7)} / ${String(worker.raw).padStart(7)}`);
    const config = Buffer.from(await (await fetch(`${server.url}/api/v1/config`)).arrayBuffer()).length;
    console.log(`  ${'/api/v1/config (JSON, not compressed)'.padEnd(40)} ${String(config).padStart(7)}`);
    console.log(`  ${'total'.padEnd(40)} ${String(lazy + config).padStart(7)}`);
    const strip = sizeOf('strip.js');
    console.log(`\nfetched only when the file picker opens: strip.js ${strip.gz} / ${strip.raw}`);
  } finally {
    await browser.close();
    await server.close();
  }
}
