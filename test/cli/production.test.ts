// A production setup as the README of `relais init` tells it (issue 14 §2): init makes the folder
// (secrets 0600 in 0700 folders, a unit that systemd-analyze accepts with a low exposure score, a
// README explaining every config field); the members' keys go in keys/; config check passes; the
// server runs with the unit's own command line; `relais doctor` fails when the proxy in front
// passes the client's address and when a secret is readable by others, and passes behind a proxy
// that sends only what the generated examples send; `relais backup` copies the running database,
// and restoring it is a rollback that the auditor's `relais audit verify` flags.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/cli/doctor.ts';
import { CONFIG_FIELDS } from '../../src/cli/init-readme.ts';
import { relais } from '../helpers/cli.ts';
import { freePort, makeKey } from '../helpers/fixture.ts';
import { tempDir } from '../helpers/temp.ts';

const root = tempDir('relais-prod-');
const dir = join(root, 'relais');
const PASS = 'correct horse battery staple';
const passFile = join(root, 'pass');
let port = 0;
let server: ChildProcess | null = null;
const proxies: Server[] = [];

/** The unit's ExecStart, run as systemd would (%d: the credentials directory, here secrets/). */
async function startAsUnit(): Promise<void> {
  const unit = readFileSync(join(dir, 'relais.service'), 'utf8');
  const exec = /^ExecStart=(.+)$/m.exec(unit)?.[1] ?? '';
  const [node, ...args] = exec.replaceAll('%d', join(dir, 'secrets')).split(' ');
  server = spawn(node as string, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  server.stderr?.on('data', (d) => (output += d));
  server.stdout?.on('data', (d) => (output += d));
  for (let i = 0; ; i++) {
    const up = await fetch(`http://127.0.0.1:${port}/api/v1/config`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return;
    if (i > 300) throw new Error(`the server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopServer(): Promise<void> {
  if (!server) return;
  const exited = new Promise((r) => server?.once('exit', r));
  server.kill('SIGTERM');
  await exited;
  server = null;
}

/** A reverse proxy that passes `headers(incoming)` to the server. */
async function proxy(headers: (incoming: Record<string, string | string[] | undefined>) => Record<string, string>): Promise<string> {
  const p = await freePort();
  const srv = createServer((req, res) => {
    const up = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: headers(req.headers) }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  await new Promise<void>((resolve) => srv.listen(p, '127.0.0.1', resolve));
  proxies.push(srv);
  return `http://127.0.0.1:${p}`;
}

/** What the generated nginx.conf passes: Host and the headers Relais reads, nothing else. */
const likeTheExamples = (h: Record<string, string | string[] | undefined>) =>
  Object.fromEntries(
    ['host', 'content-type', 'content-length', 'authorization', 'accept', 'accept-encoding'].flatMap((k) =>
      typeof h[k] === 'string' ? [[k, h[k] as string]] : [],
    ),
  );

beforeAll(async () => {
  writeFileSync(passFile, PASS);
  port = await freePort();
});
afterAll(async () => {
  await stopServer();
  for (const p of proxies) await new Promise((r) => p.close(r));
});

describe('relais init, then the README’s steps', () => {
  it('makes the folder with its secrets for root alone, a README explaining every config field, and a sandboxed unit', async () => {
    const made = await relais(['init', dir, '--origin', 'https://signalement.example.fr', '--port', String(port)]);
    expect(made.code, made.stderr).toBe(0);
    const mode = (p: string) => statSync(join(dir, p)).mode & 0o777;
    expect([mode('secrets'), mode('secrets/server.secret'), mode('secrets/log.key'), mode('data'), mode('backups')]).toEqual([
      0o700, 0o600, 0o600, 0o700, 0o700,
    ]);
    const again = await relais(['init', dir, '--origin', 'https://signalement.example.fr']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('exists');

    const schema = JSON.parse(readFileSync(new URL('../../relais.config.schema.json', import.meta.url), 'utf8'));
    const paths: string[] = [];
    const walk = (o: any, p: string) => {
      if (!o || typeof o !== 'object') return;
      for (const [k, v] of Object.entries<any>(o.properties ?? {})) {
        paths.push(p ? `${p}.${k}` : k);
        walk(v, p ? `${p}.${k}` : k);
      }
      if (o.items) walk(o.items, `${p}[]`);
      for (const k of ['anyOf', 'oneOf', 'allOf']) for (const x of o[k] ?? []) walk(x, p);
    };
    walk(schema, '');
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    const explained = CONFIG_FIELDS.map(([p]) => p);
    for (const p of new Set(paths)) expect(explained, `README explains ${p}`).toContain(p);
    for (const p of explained) expect(readme).toContain(`\`${p}\``);

    execFileSync('systemd-analyze', [
      'verify',
      join(dir, 'relais.service'),
      join(dir, 'relais-backup.service'),
      join(dir, 'relais-backup.timer'),
    ]);
    const security = execFileSync('systemd-analyze', ['security', '--offline=true', join(dir, 'relais.service')], { encoding: 'utf8' });
    const exposure = Number(/Overall exposure level for relais\.service: ([\d.]+)/.exec(security)?.[1]);
    expect(exposure).toBeLessThan(2);
    const unit = readFileSync(join(dir, 'relais.service'), 'utf8');
    for (const line of ['ProtectSystem=strict', 'NoNewPrivileges=yes', 'PrivateTmp=yes', `ReadWritePaths=${dir}/data`])
      expect(unit).toContain(line);
    const nginx = readFileSync(join(dir, 'proxy', 'nginx.conf'), 'utf8');
    expect(nginx).toMatch(/access_log off;/);
    expect(nginx).toMatch(/proxy_pass_request_headers off;/);
    expect(nginx).toMatch(/client_max_body_size \d+m;/);
    expect(readFileSync(join(dir, 'proxy', 'Caddyfile'), 'utf8')).toContain('header_up -X-Forwarded-For');
  });

  it('accepts the members’ public keys and passes config check', async () => {
    const config = JSON.parse(readFileSync(join(dir, 'relais.config.json'), 'utf8'));
    const ids: string[] = [
      ...config.inboxes.flatMap((i: any) => i.members.map((m: any) => m.id)),
      ...config.auditors.map((a: any) => a.id),
    ];
    // One member makes their key with relais keygen, as the README says; the others are made here.
    const made = await relais(['keygen', '--name', 'Police — liaison 1', '--out', join(root, ids[0]!), '--passphrase-file', passFile]);
    expect(made.code, made.stderr).toBe(0);
    copyFileSync(join(root, `${ids[0]}.pub.asc`), join(dir, 'keys', `${ids[0]}.asc`));
    for (const id of ids.slice(1)) {
      const k = await makeKey(id, PASS);
      writeFileSync(join(dir, 'keys', `${id}.asc`), k.publicKey);
      writeFileSync(join(root, `${id}.key.asc`), k.privateKey);
    }
    // Staff reach this test server at the proxy's origin, not at the real domain.
    const front = await proxy(likeTheExamples);
    config.site.origin = front;
    writeFileSync(join(dir, 'relais.config.json'), JSON.stringify(config, null, 2));
    writeFileSync(join(root, 'front'), front);
    const checked = await relais(['config', 'check', '--config', join(dir, 'relais.config.json')]);
    expect(checked.code, checked.stderr).toBe(0);
  });

  it('serves with the unit’s command line, and relais doctor passes behind a proxy that passes only what Relais reads', async () => {
    await startAsUnit();
    const front = readFileSync(join(root, 'front'), 'utf8');
    const backup = await relais(['backup', '--db', join(dir, 'data', 'relais.db'), '--out-dir', join(dir, 'backups'), '--keep', '2']);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stderr).toContain('ROLLBACK of the audit log');
    const copies = readdirSync(join(dir, 'backups'));
    expect(copies).toHaveLength(1);
    expect(statSync(join(dir, 'backups', copies[0]!)).mode & 0o777).toBe(0o600);

    const doctor = await relais(['doctor', '--dir', dir, '--origin', front]);
    expect(doctor.code, doctor.stdout).toBe(0);
    expect(doctor.stdout).toContain('PASS  proxy headers: no header with a client’s address reaches the server');
    expect(doctor.stdout).toContain('PASS  not stored: the canary header values sent are not in the database');
    expect(doctor.stdout).toContain('PASS  log key: present and matching keys/log.pub');
    expect(doctor.stdout).toContain('PASS  server: ');
    expect(doctor.stdout).not.toContain('FAIL');
  });

  it('makes relais doctor fail when the proxy passes the client’s address, or a secret is readable by others', async () => {
    const paths = {
      config: join(dir, 'relais.config.json'),
      db: join(dir, 'data', 'relais.db'),
      secret: join(dir, 'secrets', 'server.secret'),
      logKey: join(dir, 'secrets', 'log.key'),
      backups: join(dir, 'backups'),
    };
    const leaky = await proxy((h) => ({ ...(h as Record<string, string>), 'x-forwarded-for': '203.0.113.9', 'x-real-ip': '203.0.113.9' }));
    const res = await runDoctor({ ...paths, origin: leaky }, { print: false });
    expect(res.failed, res.lines.join('\n')).toBe(true);
    expect(res.lines.join('\n')).toContain(
      'FAIL  proxy headers: the proxy passes the client’s address to Relais (x-forwarded-for, x-real-ip)',
    );
    expect(res.lines.join('\n')).toMatch(/WARN {2}proxy headers: the proxy passes .*user-agent/);

    chmodSync(paths.secret, 0o644);
    const loose = await runDoctor({ ...paths, origin: readFileSync(join(root, 'front'), 'utf8') }, { print: false });
    chmodSync(paths.secret, 0o600);
    expect(loose.failed).toBe(true);
    expect(loose.lines).toContain(`FAIL  server secret: ${paths.secret} is mode 644: others can read it; chmod 600 ${paths.secret}`);
  });

  it('restores a backup as a rollback that the auditor’s verify flags', async () => {
    const front = readFileSync(join(root, 'front'), 'utf8');
    const auditor = JSON.parse(readFileSync(join(dir, 'relais.config.json'), 'utf8')).auditors[0].id;
    const state = join(root, 'audit-state.json');
    const verify = () =>
      relais([
        'audit',
        'verify',
        '--server',
        front,
        '--state',
        state,
        '--key',
        join(root, `${auditor}.key.asc`),
        '--log-key',
        join(dir, 'keys', 'log.pub'),
        '--passphrase-file',
        passFile,
      ]);
    // The auditor's logins are logged after the backup was made: their state is ahead of it.
    expect((await verify()).code).toBe(0);
    const second = await verify();
    expect(second.code, second.stderr).toBe(0);

    await stopServer();
    const copy = readdirSync(join(dir, 'backups'))[0]!;
    for (const suffix of ['-wal', '-shm']) rmSync(join(dir, 'data', `relais.db${suffix}`), { force: true });
    copyFileSync(join(dir, 'backups', copy), join(dir, 'data', 'relais.db'));
    await startAsUnit();
    const after = await verify();
    expect(after.code).toBe(3);
    expect(`${after.stdout}${after.stderr}`).toMatch(/rollback/i);
    expect(existsSync(state)).toBe(true);
  });
});
