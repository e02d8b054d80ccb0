// `relais pull` never loses a report (issue 14 §5): against a hostile server that answers with
// "../" in references, part roles and message names, nothing is written outside --out; against a
// real server holding a junk report (random bytes sealed with the public keys, as anyone can make
// one), the junk part is kept sealed in quarantine with its reason, the good reports are saved and
// marked read, the junk one stays unread, and the run exits 1. Files 0600, folders 0700.
import * as openpgp from 'openpgp';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listReports } from '../../src/client/staff.ts';
import { randomBytes } from '../../src/core/bytes.ts';
import { BIN, relais } from '../helpers/cli.ts';
import { freePort, startTestServer, type TestServer } from '../helpers/fixture.ts';
import { keysOf, publicConfigOf, send, solvedPow, validSubmission } from '../helpers/intake.ts';
import { staffClient } from '../helpers/staff.ts';
import { tempDir } from '../helpers/temp.ts';

const work = tempDir('relais-pull-');
const passFile = join(work, 'pass');
let server: TestServer;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).map((e) => join(e.parentPath, e.name));
}

beforeAll(async () => {
  server = await startTestServer();
  const k = server.fixture.keys['officer-a']!;
  writeFileSync(passFile, `${k.passphrase}\n`);
  writeFileSync(join(work, 'officer-a.key.asc'), k.privateKey);
});
afterAll(async () => server?.close());

const pull = (out: string, extra: string[] = [], url = server.url) =>
  relais(['pull', '--server', url, '--key', join(work, 'officer-a.key.asc'), '--passphrase-file', passFile, '--out', out, ...extra]);

describe('relais pull against a hostile server', () => {
  let hostile: Server;
  let url: string;
  const requests: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const good = 'R-AAAA-BBBB-CCCC';
    const answers: Record<string, unknown> = {
      'POST /api/v1/session/challenge': { challenge: 'c', text: `Relais staff login\norigin: ${url}\n`, bits: 0 },
      'POST /api/v1/session': {
        token: 't'.repeat(43),
        expires: Date.now() + 60_000,
        member: { id: 'x', name: 'x', roles: ['officer'], inboxes: ['p'] },
      },
      'GET /api/v1/reports?unread=1&page=1&perPage=100': {
        total: 3,
        page: 1,
        perPage: 100,
        reports: [{ ref: '../../escaped-ref' }, { ref: good }, { ref: 'R-DDDD-EEEE-FFFF' }],
      },
      [`GET /api/v1/reports/${good}`]: {
        ref: good,
        category: 'x',
        receivedBucket: 0,
        status: 'received',
        parts: [
          { idx: 0, role: '../../../escaped-role', size: 1 },
          { idx: '../1', role: 'attachment', size: 1 },
        ],
        messages: [{ idx: 0, author: '../../escaped-author', kind: 'message', size: 10, at: 0, memberId: null, status: null }],
        replyKey: null,
        inboxKeys: [],
      },
      // Asked for one reference, answers for another.
      'GET /api/v1/reports/R-DDDD-EEEE-FFFF': { ref: '../../escaped-detail', parts: [], messages: [] },
    };
    hostile = createServer((req, res) => {
      const key = `${req.method} ${req.url}`;
      requests.push(key);
      req.resume();
      const body = answers[key];
      if (req.method === 'DELETE') return void res.writeHead(204).end();
      if (body === undefined) return void res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end('junk');
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => hostile.listen(port, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => hostile.close(() => resolve())));

  it('writes nothing outside --out, says which names it refused, marks nothing read and exits 1', async () => {
    const parent = tempDir('relais-hostile-');
    const out = join(parent, 'a', 'out');
    mkdirSync(join(parent, 'a'));
    const res = await pull(out, [], url);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('the server sent a report reference that is not a valid name');
    expect(res.stderr).toContain('the server sent a part role that is not a valid name');
    expect(res.stderr).toContain('the server sent a part index that is not a valid index');
    expect(res.stderr).toContain('the server sent a message author that is not a valid name');
    expect(res.stderr).toContain('the server answered for "../../escaped-detail" when asked for R-DDDD-EEEE-FFFF');
    for (const f of filesUnder(parent)) expect(relative(out, f).startsWith('..') && !out.startsWith(f)).toBe(false);
    expect(filesUnder(parent).join('\n')).not.toContain('escaped');
    expect(requests.filter((r) => r.startsWith('PUT'))).toEqual([]);
  });
});

describe('relais pull with a junk report on a real server', () => {
  let junkRef: string;
  let goodRef: string;

  beforeAll(async () => {
    // Random bytes, sealed with the public keys exactly as a form would seal an envelope.
    const config = await publicConfigOf(server.url);
    const armes = config.categories.find((c) => c.id === 'armes')!;
    const junk = (await openpgp.encrypt({
      message: await openpgp.createMessage({ binary: randomBytes(700), format: 'binary' }),
      encryptionKeys: await keysOf(config, armes.sealTo),
      sessionKey: { data: randomBytes(32), algorithm: 'aes256' },
      format: 'binary',
      config: { aeadProtect: false, preferredCompressionAlgorithm: openpgp.enums.compression.uncompressed },
    })) as Uint8Array;
    const res = await send(server.url, {
      meta: { category: 'armes', configHash: config.hash, pow: await solvedPow(server.url), parts: ['report'] },
      parts: [junk],
    });
    expect(res.status).toBe(201);
    junkRef = res.body.ref as string;
    const good = await send(server.url, await validSubmission(server.url, 'armes', 'un vrai signalement'));
    goodRef = good.body.ref as string;
  });

  it('keeps the junk part sealed in quarantine, saves the rest, marks only that read, and exits 1', async () => {
    const out = join(work, 'junk');
    const res = await pull(out);
    expect(res.code, res.stderr).toBe(1);
    expect(readFileSync(join(out, goodRef, 'report.txt'), 'utf8')).toBe('un vrai signalement');
    const kept = join(out, 'quarantine', junkRef, 'report.gpg');
    expect(existsSync(kept)).toBe(true);
    expect(readFileSync(join(out, 'quarantine', junkRef, 'README.txt'), 'utf8')).toContain('is not a Relais envelope');
    expect(res.stderr).toContain(`${junkRef}: report kept sealed in`);
    expect(res.stderr).toContain('1 report(s) could not be saved whole');

    const api = await staffClient(server, 'officer-a');
    const unread = (await listReports(api, { unread: true })).reports.map((r) => r.ref);
    expect(unread).toContain(junkRef);
    expect(unread).not.toContain(goodRef);

    for (const f of filesUnder(out)) {
      const mode = statSync(f).mode & 0o777;
      expect(mode, f).toBe(statSync(f).isDirectory() ? 0o700 : 0o600);
    }
  });

  it('tries the junk report again on the next pull, and goes on failing loudly rather than dropping it', async () => {
    const out = join(work, 'junk');
    const again = await pull(out);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${junkRef}: report kept sealed in`);
    expect(again.stderr).not.toContain(goodRef);
    // Not a terminal: no progress line.
    expect(again.stderr).not.toContain('\r');
  });

  it('shows its progress when standard error is a terminal', async () => {
    const args = [
      'pull',
      '--server',
      server.url,
      '--key',
      join(work, 'officer-a.key.asc'),
      '--passphrase-file',
      passFile,
      '--out',
      join(work, 'tty'),
      '--all',
    ];
    const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
    // script(1) runs it on a pseudo-terminal and copies the terminal's output to its own stdout.
    const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    await new Promise((resolve) => child.on('close', resolve));
    expect(output).toMatch(/\r\u001b\[2Kpull: [12]\/2/);
  });

  it('names the URL and the cause when the server cannot be reached', async () => {
    const port = await freePort();
    const res = await pull(join(work, 'nowhere'), [], `http://127.0.0.1:${port}`);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`cannot reach http://127.0.0.1:${port}/api/v1/session/challenge: connect ECONNREFUSED 127.0.0.1:${port}`);
  });
});

describe('the read mark', () => {
  it('refuses any query but keepUnread=1 on a fetch, and unknown references on PUT …/read', async () => {
    const api = await staffClient(server, 'officer-a');
    const { ref } = (await send(server.url, await validSubmission(server.url, 'armes', 'lu ou non'))).body as { ref: string };
    const get = (q: string) =>
      fetch(`${server.url}/api/v1/reports/${ref}/parts/0${q}`, { headers: { Authorization: `Bearer ${api.token}` } });
    expect((await get('?keepUnread=2')).status).toBe(400);
    expect((await get('?keepUnread=1&x=1')).status).toBe(400);
    expect((await get('?keepUnread=1')).status).toBe(200);
    expect((await listReports(api, { unread: true })).reports.map((r) => r.ref)).toContain(ref);
    const put = (r: string) =>
      fetch(`${server.url}/api/v1/reports/${r}/read`, { method: 'PUT', headers: { Authorization: `Bearer ${api.token}` } });
    expect((await put('R-0000-0000-0000')).status).toBe(404);
    expect((await put('../x')).status).toBe(404);
    expect((await put(ref)).status).toBe(204);
    expect((await listReports(api, { unread: true })).reports.map((r) => r.ref)).not.toContain(ref);
  });
});
