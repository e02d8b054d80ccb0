// Memory under a flood of uploads (issue 16 §1: 50 concurrent junk uploads of the largest size,
// RSS growth under 64 MB). The real Relais server runs in its own process with the default limits
// (50 MB per report); 50 clients on raw sockets each declare a body of that size and stream it,
// reading the answer as it comes; the server's RSS is sampled every 10 ms. Four floods, each
// against the baseline RSS measured right before it:
//   - junk without a proof of work (refused from the headers);
//   - junk with a valid proof of work each (refused at the body's first bytes);
//   - a valid report part, then an attachment that is not a sealed part (refused at its first bytes);
//   - a valid report part, then an attachment that starts as one sealed to the right keys and
//     goes on with junk: paid for and plausible, so read up to its cap, as many at once as the
//     body gate lets in (limits.uploadMemoryBytes), the rest answered 503 server_busy.
// Bounded in time; nothing passes or fails on time.
import { connect } from 'node:net';
import { solveChallenge } from '../src/core/pow.ts';
import { sealEnvelope } from '../src/core/seal.ts';
import type { PublicConfig } from '../src/server/public-config.ts';
import { keysOf, textEnvelope } from '../test/helpers/intake.ts';
import { ChildServer, deadline, fmt, MB } from './lib.ts';

const CLIENTS = 50;
const SECONDS = 180;

/** Streams `head` then junk up to `total` bytes; resolves with the answer's status line (or how it ended). */
function upload(url: string, head: Buffer, total: number): Promise<string> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const junk = Buffer.alloc(256 * 1024, 0x5a);
    let sent = 0;
    let answer = '';
    let done = false;
    const finish = (outcome: string) => {
      if (done) return;
      done = true;
      // A client that got its answer stops sending soon after, as a browser does.
      setTimeout(() => socket.destroy(), 1000).unref();
      resolve(outcome);
    };
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) finish(answer.slice(9, 12));
    });
    socket.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? 'error'));
    socket.on('close', () => finish('closed without an answer'));
    const pump = () => {
      while (!socket.destroyed && sent < total) {
        const chunk = sent === 0 ? head : junk.subarray(0, Math.min(junk.length, total - sent));
        sent += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
    };
    socket.once('connect', pump);
  });
}

function request(total: number, headers: Record<string, string>, body: Buffer): Buffer {
  const lines = Object.entries({
    Host: 'relais',
    'Content-Type': 'multipart/form-data; boundary=b',
    'Content-Length': String(total),
    ...headers,
  })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return Buffer.concat([Buffer.from(`POST /api/v1/reports HTTP/1.1\r\n${lines}\r\n`), body]);
}

export default async function (): Promise<void> {
  const time = deadline(SECONDS);
  const relais = await ChildServer.start('relais');
  try {
    const config = (await (await fetch(`${relais.url}/api/v1/config`)).json()) as PublicConfig;
    const total = config.limits.maxReportBytes;
    const keys = await keysOf(config, (config.categories.find((c) => c.id === 'trafic') as PublicConfig['categories'][number]).sealTo);
    const report = await sealEnvelope(textEnvelope('un signalement'), keys);
    const attachment = await sealEnvelope({ kind: 'attachment', contentType: 'application/pdf', content: new Uint8Array(4096) }, keys);
    const pows = async () => {
      const out: string[] = [];
      for (let i = 0; i < CLIENTS; i++) {
        const res = await fetch(`${relais.url}/api/v1/challenges`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: '{"purpose":"report"}',
        });
        const { challenge } = (await res.json()) as { challenge: string };
        out.push(`${challenge}:${solveChallenge(challenge)}`);
      }
      return out;
    };
    const meta = JSON.stringify({ category: 'trafic', configHash: config.hash, parts: ['report', ...Array(10).fill('attachment')] });
    const start = (second: Uint8Array) =>
      Buffer.concat([
        Buffer.from(`--b\r\nContent-Disposition: form-data; name="meta"\r\n\r\n${meta}\r\n`),
        Buffer.from('--b\r\nContent-Disposition: form-data; name="part-0"; filename="sealed"\r\n\r\n'),
        report,
        Buffer.from('\r\n--b\r\nContent-Disposition: form-data; name="part-1"; filename="sealed"\r\n\r\n'),
        second,
      ]);
    const floods: [string, () => Promise<Buffer[]>][] = [
      ['junk, no proof of work', async () => Array.from({ length: CLIENTS }, () => request(total, {}, Buffer.alloc(0)))],
      ['junk, a valid proof of work each', async () => (await pows()).map((p) => request(total, { 'Relais-Pow': p }, Buffer.alloc(0)))],
      [
        'valid report, attachment not sealed',
        async () => (await pows()).map((p) => request(total, { 'Relais-Pow': p }, start(Buffer.alloc(0)))),
      ],
      [
        'valid report, attachment sealed right then junk',
        async () => (await pows()).map((p) => request(total, { 'Relais-Pow': p }, start(attachment.subarray(0, attachment.length - 200)))),
      ],
    ];
    console.log(`${CLIENTS} concurrent uploads declaring ${fmt(total / MB)} MB each (limits.maxReportBytes), streamed; server RSS`);
    for (const [name, make] of floods) {
      if (!time.left()) {
        console.log(`(stopped at the ${SECONDS} s bound)`);
        break;
      }
      const requests = await make();
      await new Promise((resolve) => setTimeout(resolve, 500));
      await relais.resetPeak();
      const before = await relais.stats();
      const t0 = performance.now();
      const outcomes = await Promise.all(requests.map((r) => upload(relais.url, r, total)));
      const seconds = (performance.now() - t0) / 1000;
      const after = await relais.stats();
      const counts = new Map<string, number>();
      for (const o of outcomes) counts.set(o, (counts.get(o) ?? 0) + 1);
      console.log(
        `${name.padEnd(48)} peak RSS +${fmt((after.peak - before.rss) / MB, 1).padStart(6)} MB over ${fmt(before.rss / MB)} MB; answers ${[...counts].map(([k, v]) => `${v}× ${k}`).join(', ')}; ${fmt(seconds, 1)} s`,
      );
    }
  } finally {
    await relais.stop();
  }
}
