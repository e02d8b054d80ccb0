// `relais doctor` (issue 14 §2): checks a running Node setup from its own machine, one PASS, WARN
// or FAIL line each, exit 1 on any FAIL. Files: secrets, database and backups readable by their
// owner only, config and keys not writable by others, no private key in keys/. The config and its
// keys: valid, no key expired or expiring within 30 days, no category left unreadable. The log
// key: present, matching keys/log.pub and the config's log origin. The running server, through
// its public origin: the same config, TLS, no header that identifies a client reaching it through
// the proxy (the server's doctor probe names them), and the canaries sent not stored. The clock:
// against the server's, NTP, and the audit log's latest time. Backups: a recent one.

import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NetworkError, networkReason } from '../client/api.ts';
import { keyWarnings } from '../config/expiry.ts';
import { loadConfigFile } from '../config/load-node.ts';
import { ConfigError, type ResolvedConfig } from '../config/resolve.ts';
import { randomBytes, toHex } from '../core/bytes.ts';
import { parseSignerKey } from '../core/tlog/index.ts';
import { DOCTOR_PATH, doctorToken } from '../server/doctor-probe.ts';
import { deriveSecrets, parseServerSecret } from '../server/secrets.ts';
import { latestAuditTime } from '../store/sqlite-offline.ts';
import { help, parse, UsageError } from './args.ts';

const USAGE = `relais doctor --dir DIR
relais doctor --config F [--db F] [--secret-file F] [--log-key-file F] [--backups DIR] [--origin URL]

Checks a running setup made by relais init (or the files given one by one): permissions, member
keys, the log key, the server through its public origin (same config, TLS, no client header
reaching it through the proxy), the clock, backups. One PASS, WARN or FAIL line each; exit 1 if
anything FAILS. Run it as the user that can read secrets/ (root).`;

type Verdict = 'PASS' | 'WARN' | 'FAIL';

/** Headers that carry a client's address. */
const ADDRESS_HEADERS = new Set([
  'x-forwarded-for',
  'x-real-ip',
  'forwarded',
  'true-client-ip',
  'cf-connecting-ip',
  'x-client-ip',
  'x-cluster-client-ip',
  'fastly-client-ip',
]);

export class Report {
  readonly lines: string[] = [];
  failed = false;
  constructor(private readonly print: boolean) {}
  add(verdict: Verdict, what: string, detail: string): void {
    if (verdict === 'FAIL') this.failed = true;
    this.lines.push(`${verdict}  ${what}: ${detail}`);
    if (this.print) process.stdout.write(`${verdict}  ${what}: ${detail}\n`);
  }
}

function mode(path: string): number | null {
  try {
    return statSync(path).mode & 0o777;
  } catch {
    return null;
  }
}

/** FAIL if `path` exists and others than its owner can read it (or it is missing and required). */
function ownerOnly(r: Report, what: string, path: string, required: boolean): void {
  const m = mode(path);
  if (m === null) {
    if (required) r.add('FAIL', what, `${path} is missing`);
    return;
  }
  if (m & 0o077)
    r.add(
      'FAIL',
      what,
      `${path} is mode ${m.toString(8)}: others can read it; chmod ${statSync(path).isDirectory() ? '700' : '600'} ${path}`,
    );
  else r.add('PASS', what, `${path} is readable by its owner only`);
}

function notWritableByOthers(r: Report, what: string, path: string): void {
  const m = mode(path);
  if (m === null) {
    r.add('FAIL', what, `${path} is missing`);
    return;
  }
  if (m & 0o022) r.add('FAIL', what, `${path} is mode ${m.toString(8)}: others can change it; chmod go-w ${path}`);
  else r.add('PASS', what, `${path} cannot be changed by others`);
}

/** Whether `needle` occurs in the file, read in chunks (bounded memory). */
function fileContains(path: string, needle: Buffer): boolean {
  if (!existsSync(path)) return false;
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.alloc(1 << 20);
    let carry = Buffer.alloc(0);
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) return false;
      const window = Buffer.concat([carry, chunk.subarray(0, n)]);
      if (window.includes(needle)) return true;
      carry = window.subarray(Math.max(0, window.length - needle.length));
    }
  } finally {
    closeSync(fd);
  }
}

export interface Paths {
  config: string;
  db?: string | undefined;
  secret?: string | undefined;
  logKey?: string | undefined;
  backups?: string | undefined;
  origin?: string | undefined;
}

async function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  try {
    return await fetch(url, { headers, redirect: 'manual' });
  } catch (e) {
    throw new NetworkError(url, networkReason(e));
  }
}

export async function runDoctor(p: Paths, options: { now?: number; print?: boolean } = {}): Promise<Report> {
  const now = options.now ?? Date.now();
  const r = new Report(options.print ?? true);
  const base = join(p.config, '..');

  // Files.
  for (const [what, path] of [
    ['secrets folder', p.secret ? join(p.secret, '..') : undefined],
    ['server secret', p.secret],
    ['log signer key', p.logKey],
    ['database folder', p.db ? join(p.db, '..') : undefined],
    ['database', p.db],
    ['backups folder', p.backups],
  ] as const)
    if (path) ownerOnly(r, what, path, what !== 'backups folder');
  if (p.db) for (const suffix of ['-wal', '-shm']) if (existsSync(`${p.db}${suffix}`)) ownerOnly(r, 'database', `${p.db}${suffix}`, false);
  notWritableByOthers(r, 'config', p.config);
  notWritableByOthers(r, 'keys folder', join(base, 'keys'));
  const privateKeys = existsSync(join(base, 'keys'))
    ? readdirSync(join(base, 'keys')).filter((f) => {
        const path = join(base, 'keys', f);
        return statSync(path).isFile() && readFileSync(path, 'utf8').includes('PRIVATE KEY');
      })
    : [];
  if (privateKeys.length > 0)
    r.add('FAIL', 'keys folder', `a PRIVATE key is in keys/: ${privateKeys.join(', ')}; remove it and treat it as exposed`);

  // The config and its keys.
  let config: ResolvedConfig | null = null;
  try {
    config = await loadConfigFile(p.config, new Date(now));
    r.add('PASS', 'config', `${p.config} is valid (hash ${config.hash.slice(0, 16)}…)`);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    r.add('FAIL', 'config', e.message.replace(/\n/g, '; '));
  }
  if (config) {
    const warnings = keyWarnings(config, now);
    for (const w of warnings) r.add(w.kind === 'expiring' ? 'WARN' : 'FAIL', 'member keys', w.line);
    if (warnings.length === 0) r.add('PASS', 'member keys', 'no key expires within 30 days, every category has readers');
  }

  // The log key.
  if (p.logKey && config) {
    try {
      const signer = parseSignerKey(readFileSync(p.logKey, 'utf8').trim());
      if (signer.verifierKey !== config.logVerifierKey)
        r.add('FAIL', 'log key', `${p.logKey} does not match ${config.config.log.publicKey}: auditors would reject every checkpoint`);
      else if (signer.name !== config.config.log.origin)
        r.add('FAIL', 'log key', `the key is for the log "${signer.name}", the config names "${config.config.log.origin}"`);
      else r.add('PASS', 'log key', `present and matching ${config.config.log.publicKey}`);
    } catch (e) {
      r.add('FAIL', 'log key', `${p.logKey}: ${(e as NodeJS.ErrnoException).code ?? 'not a signer key made by relais log-key'}`);
    }
  }

  // The running server, through its public origin.
  let secret: Uint8Array | null = null;
  if (p.secret) {
    try {
      secret = parseServerSecret(readFileSync(p.secret, 'utf8'));
      r.add('PASS', 'server secret', 'present, 32 bytes or more');
    } catch (e) {
      r.add('FAIL', 'server secret', `${p.secret}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const origin = p.origin ?? config?.config.site.origin;
  let serverDate: number | null = null;
  if (origin && config) {
    const local = /^http:\/\/(localhost|127\.|\[::1\])/.test(origin);
    if (!origin.startsWith('https://') && !local)
      r.add('FAIL', 'TLS', `${origin} is not https: staff keys and tokens would cross the network in clear`);
    else if (origin.startsWith('https://')) r.add('PASS', 'TLS', `${origin} is https`);
    try {
      const res = await get(`${origin}/api/v1/config`);
      const date = Date.parse(res.headers.get('Date') ?? '');
      serverDate = Number.isNaN(date) ? null : date;
      const served = res.ok ? ((await res.json()) as { hash?: string }).hash : null;
      if (!res.ok) r.add('FAIL', 'server', `${origin}/api/v1/config answered ${res.status}`);
      else if (served !== config.hash)
        r.add('FAIL', 'server', 'it runs another config than this folder’s: restart it (systemctl restart relais)');
      else r.add('PASS', 'server', `${origin} answers with this config`);
    } catch (e) {
      r.add('FAIL', 'server', (e as Error).message);
    }
    if (secret) await probeHeaders(r, origin, secret, p.db, now);
  }

  // The clock.
  if (serverDate !== null) {
    const skew = Math.abs(serverDate - now) / 1000;
    r.add(skew > 60 ? 'FAIL' : 'PASS', 'clock', `this machine and the server differ by ${skew.toFixed(0)} s`);
  }
  let ntp = '';
  try {
    ntp = execFileSync('timedatectl', ['show', '-p', 'NTPSynchronized', '--value'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    // no timedatectl, or no systemd
  }
  if (ntp === 'yes') r.add('PASS', 'clock', 'synchronised with NTP');
  else
    r.add(
      'WARN',
      'clock',
      ntp === 'no'
        ? 'not synchronised with NTP: key expiry and log times depend on it'
        : 'cannot tell whether the clock is synchronised (no timedatectl)',
    );
  if (p.db && existsSync(p.db)) {
    const latest = latestAuditTime(p.db);
    if (latest !== null && latest > now + 5 * 60_000)
      r.add('FAIL', 'clock', `the audit log has a time ${new Date(latest).toISOString()} ahead of this clock: the clock went back`);
    else r.add('PASS', 'clock', 'not behind the audit log’s latest time');
  }

  // Backups.
  if (p.backups && existsSync(p.backups)) {
    const copies = readdirSync(p.backups)
      .filter((f) => f.endsWith('.db'))
      .map((f) => statSync(join(p.backups as string, f)).mtimeMs)
      .sort((a, b) => b - a);
    const newest = copies[0];
    if (newest === undefined) r.add('WARN', 'backups', `none in ${p.backups}: enable relais-backup.timer`);
    else if (now - newest > 2 * 86_400_000) r.add('WARN', 'backups', `the newest is ${((now - newest) / 86_400_000).toFixed(0)} days old`);
    else r.add('PASS', 'backups', `the newest is from ${new Date(newest).toISOString().slice(0, 16)}Z`);
  }
  return r;
}

/**
 * Asks the server which headers of the doctor's own request reached it through the proxy, with
 * canary values in the identifying ones, then checks the canaries are nowhere in the database.
 */
async function probeHeaders(r: Report, origin: string, secret: Uint8Array, db: string | undefined, now: number): Promise<void> {
  const canary = `relais-doctor-${toHex(randomBytes(8))}`;
  let names: string[];
  try {
    const res = await get(`${origin}${DOCTOR_PATH}`, {
      Authorization: `Doctor ${doctorToken(deriveSecrets(secret).doctor, now)}`,
      'User-Agent': canary,
      Referer: `https://${canary}.invalid/`,
      Cookie: `c=${canary}`,
      'Accept-Language': 'fr',
      'X-Forwarded-For': '192.0.2.77',
    });
    if (res.status === 404)
      return r.add('WARN', 'proxy headers', 'the server does not answer the doctor’s probe (another secret, or not a Node server)');
    names = ((await res.json()) as { headers: string[] }).headers;
  } catch (e) {
    r.add('FAIL', 'proxy headers', (e as Error).message);
    return;
  }
  const addresses = names.filter((n) => ADDRESS_HEADERS.has(n));
  const others = names.filter((n) => !ADDRESS_HEADERS.has(n));
  if (addresses.length > 0)
    r.add(
      'FAIL',
      'proxy headers',
      `the proxy passes the client’s address to Relais (${addresses.join(', ')}): use proxy/ from relais init`,
    );
  else r.add('PASS', 'proxy headers', 'no header with a client’s address reaches the server');
  if (others.length > 0)
    r.add('WARN', 'proxy headers', `the proxy passes ${others.join(', ')}; Relais drops them, but the proxy need not pass them`);
  if (db) {
    const found = [db, `${db}-wal`].filter((f) => fileContains(f, Buffer.from(canary)));
    if (found.length > 0) r.add('FAIL', 'not stored', `the doctor’s canary header value is in ${found.join(', ')}`);
    else r.add('PASS', 'not stored', 'the canary header values sent are not in the database');
  }
}

export async function doctorCommand(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      dir: { type: 'string' },
      config: { type: 'string' },
      db: { type: 'string' },
      'secret-file': { type: 'string' },
      'log-key-file': { type: 'string' },
      backups: { type: 'string' },
      origin: { type: 'string' },
    },
    USAGE,
  );
  if (values.help) return help(USAGE);
  const dir = values.dir;
  if (!dir && !values.config) throw new UsageError(`give --dir or --config\n\n${USAGE}`);
  const paths: Paths = {
    config: values.config ?? join(dir as string, 'relais.config.json'),
    db: values.db ?? (dir ? join(dir, 'data', 'relais.db') : undefined),
    secret: values['secret-file'] ?? (dir ? join(dir, 'secrets', 'server.secret') : undefined),
    logKey: values['log-key-file'] ?? (dir ? join(dir, 'secrets', 'log.key') : undefined),
    backups: values.backups ?? (dir ? join(dir, 'backups') : undefined),
    origin: values.origin,
  };
  const report = await runDoctor(paths);
  return report.failed ? 1 : 0;
}
