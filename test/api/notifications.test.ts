// Content-free notifications (issue 15 §3), against a real SMTP server and a real webhook
// receiver started by the test on loopback: a notice only after a bucket has closed, at most one
// per member and bucket, only to members whose inbox got something, never saying the category,
// the count, a reference or the inbox; none while the bucket is open, none for an empty bucket;
// a resident's message counts; the daily digest's period is a fixed day.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api.ts';
import { openConversation, sendMessage } from '../../src/client/followup.ts';
import { submitReport } from '../../src/client/submit.ts';
import type { Relais } from '../../src/server/context.ts';
import { runMaintenance } from '../../src/server/maintenance.ts';
import { duePeriod } from '../../src/server/notifications.ts';
import { makeFixture, startTestServer, type TestServer } from '../helpers/fixture.ts';

interface Mail {
  to: string[];
  raw: string;
  at: number;
}

const HOUR = 3600_000;
let server: TestServer;
let smtp: SMTPServer;
let hooks: Server;
const mails: Mail[] = [];
const posts: { body: string; at: number }[] = [];
// ten minutes into an hour
let now = Math.floor(Date.now() / HOUR) * HOUR + 10 * 60_000;

async function maintenance(): Promise<void> {
  await runMaintenance(server.relais);
}

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (d: Buffer) => (raw += d.toString()));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, at: now });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  hooks = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      posts.push({ body, at: now });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  const hookPort = (hooks.address() as AddressInfo).port;
  const fx = await makeFixture({
    patch: (json) => {
      json.notifications = {
        schedule: 'bucket',
        smtp: { host: '127.0.0.1', port: smtpPort, tls: 'none', from: 'relais@ville.test' },
        recipients: [
          { member: 'officer-a', email: 'a@police.test' },
          { member: 'city-c', email: 'c@ville.test' },
        ],
        webhooks: [{ inbox: 'police', url: `http://127.0.0.1:${hookPort}/hook` }],
      };
    },
  });
  server = await startTestServer(fx, { clock: () => now });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  await new Promise<void>((resolve) => hooks?.close(() => resolve()));
});

describe('content-free notifications', () => {
  let receipt = '';

  it('sends nothing while the bucket is open, then one notice per member whose inbox got something', async () => {
    for (let i = 0; i < 3; i++) await submitReport(new ApiClient({ server: server.url }), { category: 'armes', text: `rapport ${i}` });
    receipt = (await submitReport(new ApiClient({ server: server.url }), { category: 'armes', text: 'avec reçu' })).receipt as string;
    await maintenance();
    now += 40 * 60_000; // still inside the hour
    await maintenance();
    expect(mails).toEqual([]);
    expect(posts).toEqual([]);
    // the hour closes; its notices go with the maintenance run after the grace period
    const boundary = Math.ceil(now / HOUR) * HOUR;
    now = boundary + 61_000;
    await maintenance();
    expect(mails.map((m) => m.to)).toEqual([['a@police.test']]);
    expect(mails[0]?.at).toBe(boundary + 61_000);
    expect(posts.length).toBe(1);
  });

  it('says nothing of the category, the count, the references or the inbox', () => {
    const { raw } = mails[0] as Mail;
    // The Date header is the sending time (after the bucket closed), not data about the bucket:
    // left out, since a time such as "…:13 +0000" would contain the counts checked below.
    const body = raw.replace(/^Date: .*\r?\n/m, '').replace(/=\r?\n/g, '');
    for (const word of ['armes', 'Armes', 'Weapons', 'Police', 'stupéfiants', 'R-', '3 ', '4 ', 'rapport'])
      expect(body.includes(word), word).toBe(false);
    expect(raw).toMatch(/^Subject: Relais : du nouveau dans votre =?|^Subject: =\?UTF-8\?/m);
    const hook = JSON.parse(posts[0]?.body ?? '{}') as Record<string, unknown>;
    expect(Object.keys(hook)).toEqual(['text']);
    expect(String(hook.text)).not.toMatch(/armes|R-[0-9A-Z]{4}/i);
  });

  it('never sends a second notice for the same bucket, and none for an empty one', async () => {
    await maintenance();
    now += 30 * 60_000;
    await maintenance();
    expect(mails.length).toBe(1);
    now = Math.ceil(now / HOUR) * HOUR + 61_000; // another hour closed, with nothing in it
    await maintenance();
    expect(mails.length).toBe(1);
    expect(posts.length).toBe(1);
  });

  it('counts a resident’s message, and a report routed to two inboxes notifies both', async () => {
    const conversation = await openConversation(new ApiClient({ server: server.url }), receipt);
    await sendMessage(conversation, 'un détail de plus');
    await submitReport(new ApiClient({ server: server.url }), { category: 'trafic', text: 'point de deal' });
    now = Math.ceil(now / HOUR) * HOUR + 61_000;
    await maintenance();
    expect(
      mails
        .slice(1)
        .map((m) => m.to[0])
        .sort(),
    ).toEqual(['a@police.test', 'c@ville.test']);
    expect(posts.length).toBe(2);
  });

  it('puts the daily digest at the configured hour, for the day before it', () => {
    const daily = {
      config: { config: { timeBucketSeconds: 3600, notifications: { schedule: 'daily', dailyAt: '07:00' } } },
    } as unknown as Relais;
    const at = Date.UTC(2026, 10, 26, 7, 1, 30);
    expect(duePeriod(daily, at, 60)).toEqual({ start: Date.UTC(2026, 10, 25, 7) / 1000, end: Date.UTC(2026, 10, 26, 7) / 1000 });
    // before the grace has passed, the digest due is still the previous day's
    expect(duePeriod(daily, Date.UTC(2026, 10, 26, 7, 0, 30), 60)?.end).toBe(Date.UTC(2026, 10, 25, 7) / 1000);
  });
});
