// Submit throughput (issue 16 §4: at least 0.7 of a bare endpoint taking the same body, at 16 and
// 64 concurrent). Two servers run side by side, each in its own process: the real Relais server
// (real SQLite file, real checks) and the floor, a bare Hono + better-sqlite3 endpoint that parses
// the same multipart body with req.formData() and stores its fields in one transaction
// (bench/server-process.ts). Both get the very same bodies — a text report sealed as a browser
// seals it to the routed keys, with a reply key and a lookup key — in rounds that alternate
// which server goes first; Relais needs a fresh proof of work per report, solved beforehand and
// sent in the Relais-Pow header to both. Prints requests/s and server CPU per request for each,
// and their ratio. Bounded in time: rounds stop at the deadline. Nothing passes or fails on time.
import { generateResidentKey } from '../src/core/resident-key.ts';
import { randomBytes, toBase64Url } from '../src/core/bytes.ts';
import { solveChallenge } from '../src/core/pow.ts';
import { sealEnvelope } from '../src/core/seal.ts';
import { powHeader, reportForm } from '../src/client/report-form.ts';
import type { PublicConfig } from '../src/server/public-config.ts';
import { keysOf, textEnvelope } from '../test/helpers/intake.ts';
import { ChildServer, deadline, fmt, load, median, type Upload } from './lib.ts';

const CONCURRENCY = [16, 64];
const ROUNDS = 5;
const PER_ROUND: Record<number, number> = { 16: 200, 64: 320 };
const WARMUP = 64;
const SECONDS = 240;

async function makeUploads(relais: ChildServer, count: number): Promise<Upload[]> {
  const config = (await (await fetch(`${relais.url}/api/v1/config`)).json()) as PublicConfig;
  const category = config.categories.find((c) => c.id === 'trafic');
  if (!category) throw new Error('no trafic category');
  const keys = await keysOf(config, category.sealTo);
  const sealed = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      sealEnvelope(textEnvelope(`Guetteurs tour B, 18h-23h, rapport ${i}. ${'détails '.repeat(60)}`), keys),
    ),
  );
  const replyKeys = await Promise.all(Array.from({ length: 4 }, (_, i) => generateResidentKey(`bench passphrase ${i}`)));
  const uploads: Upload[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${relais.url}/api/v1/challenges`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"purpose":"report"}',
    });
    const { challenge } = (await res.json()) as { challenge: string };
    const reply = replyKeys[i % replyKeys.length] as { publicKey: string; lockedKey: string };
    const form = reportForm({
      category: 'trafic',
      configHash: config.hash,
      roles: ['report'],
      parts: [sealed[i % sealed.length] as Uint8Array],
      followUp: { lookupKey: toBase64Url(randomBytes(32)), ...reply },
    });
    const response = new Response(form);
    uploads.push({
      body: Buffer.from(await response.arrayBuffer()),
      headers: {
        'Content-Type': response.headers.get('Content-Type') as string,
        ...powHeader({ challenge, counter: solveChallenge(challenge) }),
      },
    });
  }
  return uploads;
}

export default async function (): Promise<void> {
  const time = deadline(SECONDS);
  const relais = await ChildServer.start('relais');
  const floor = await ChildServer.start('floor');
  try {
    const total = WARMUP + CONCURRENCY.reduce((n, c) => n + ROUNDS * (PER_ROUND[c] as number), 0);
    const uploads = await makeUploads(relais, total);
    console.log(
      `${fmt(total)} distinct sealed reports of ${fmt((uploads[0] as Upload).body.length)} bytes (multipart), proofs of work solved beforehand`,
    );
    let cursor = 0;
    const take = (n: number) => {
      cursor += n;
      return uploads.slice(cursor - n, cursor);
    };
    const warm = take(WARMUP);
    await load(floor.url, '/api/v1/reports', warm, 8);
    await load(relais.url, '/api/v1/reports', warm, 8);

    for (const concurrency of CONCURRENCY) {
      const rates: Record<'relais' | 'floor', number[]> = { relais: [], floor: [] };
      const cpu: Record<'relais' | 'floor', number[]> = { relais: [], floor: [] };
      for (let round = 0; round < ROUNDS && time.left(); round++) {
        const batch = take(PER_ROUND[concurrency] as number);
        const order: ['relais' | 'floor', ChildServer][] = [
          ['floor', floor],
          ['relais', relais],
        ];
        if (round % 2 === 1) order.reverse();
        for (const [name, server] of order) {
          const before = await server.stats();
          const { seconds, statuses } = await load(server.url, '/api/v1/reports', batch, concurrency);
          const after = await server.stats();
          if (statuses.get(201) !== batch.length) throw new Error(`${name}: not every report was stored: ${JSON.stringify([...statuses])}`);
          rates[name].push(batch.length / seconds);
          cpu[name].push((after.cpuMs - before.cpuMs) / batch.length);
        }
      }
      const r = median(rates.relais);
      const f = median(rates.floor);
      console.log(
        `${String(concurrency).padStart(2)} concurrent: Relais ${fmt(r).padStart(5)} reports/s (${fmt(median(cpu.relais), 2)} ms CPU each), floor ${fmt(f).padStart(5)}/s (${fmt(median(cpu.floor), 2)} ms CPU each): ratio ${fmt(r / f, 2)}  (median of ${rates.relais.length} interleaved rounds)`,
      );
    }
    if (!time.left()) console.log(`(stopped at the ${SECONDS} s bound)`);
  } finally {
    await relais.stop();
    await floor.stop();
  }
}
