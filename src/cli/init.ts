// `relais init DIR` (issue 14 §2): a production folder in one command — the config to edit, with
// every field explained in a README beside it, keys/ with the log's public key, the log's signer
// key and the server secret (0600, in secrets/ 0700), data/ and backups/ (0700), a sandboxed
// systemd unit with a daily backup timer, and Caddy and nginx examples. It never overwrites: an
// existing folder is refused, except with --refresh, which rewrites only the generated files
// (unit, timer, proxy examples, README) from the config as it is now.

import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigSchema } from '../config/schema.ts';
import { randomBytes, toBase64 } from '../core/bytes.ts';
import { generateSignerKey, isValidKeyName } from '../core/tlog/index.ts';
import { help, parse, required, say, UsageError } from './args.ts';
import { setupConfig } from './config-template.ts';
import { backupService, backupTimer, caddyfile, type Layout, nginxConf, proxyBodyLimitMb, systemdUnit } from './init-files.ts';
import { initReadme } from './init-readme.ts';
import { portOption } from './serve.ts';

const USAGE = `relais init DIR --origin https://HOST [--name NAME] [--port 8787] [--user relais]
relais init DIR --refresh

Makes a production folder DIR: relais.config.json (to edit: members, categories) with README.md
explaining every field and the steps left, keys/ with the log's public key, secrets/ with the
log's signer key and the server secret (0600), data/ and backups/, relais.service (sandboxed
systemd unit), a daily backup timer, proxy/Caddyfile and proxy/nginx.conf. Refuses to touch an
existing folder; --refresh rewrites only the generated files from the current config.`;

/** The relais command this process runs as, for the unit's ExecStart. */
function relaisBin(): string {
  const argv1 = process.argv[1];
  if (argv1 && /relais(\.js)?$/.test(argv1)) return realpathSync(argv1);
  return fileURLToPath(new URL('../../bin/relais.js', import.meta.url));
}

function writeNew(path: string, text: string, mode = 0o644): void {
  writeFileSync(path, text, { mode, flag: 'wx' });
}

/** Writes the files derived from the config (unit, timer, proxies, README), overwriting them. */
function writeGenerated(dir: string, layout: Layout, json: unknown): void {
  const parsed = ConfigSchema.safeParse(json);
  if (!parsed.success) throw new UsageError(`${dir}/relais.config.json is not a valid config; run relais config check`);
  const config = parsed.data;
  const { host, hostname } = new URL(config.site.origin);
  const bodyMb = proxyBodyLimitMb(config.limits);
  mkdirSync(`${dir}/proxy`, { recursive: true });
  writeFileSync(`${dir}/relais.service`, systemdUnit(layout));
  writeFileSync(`${dir}/relais-backup.service`, backupService(layout));
  writeFileSync(`${dir}/relais-backup.timer`, backupTimer());
  writeFileSync(`${dir}/proxy/Caddyfile`, caddyfile(host, layout, bodyMb));
  writeFileSync(`${dir}/proxy/nginx.conf`, nginxConf(hostname, layout, bodyMb));
  writeFileSync(
    `${dir}/README.md`,
    initReadme({ dir, origin: config.site.origin, port: layout.port, user: layout.user, bin: layout.bin, bodyMb }),
  );
}

export async function initCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      origin: { type: 'string' },
      name: { type: 'string' },
      port: { type: 'string' },
      user: { type: 'string' },
      refresh: { type: 'boolean' },
    },
    USAGE,
    1,
  );
  if (values.help) return help(USAGE);
  const target = positionals[0];
  if (!target) throw new UsageError(`give the folder to make\n\n${USAGE}`);
  const dir = resolve(target);
  const user = values.user ?? 'relais';
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(user)) throw new UsageError('--user is a system user name');
  const layout: Layout = { dir, node: process.execPath, bin: relaisBin(), port: portOption(values.port, 8787), user };

  if (values.refresh) {
    if (!existsSync(`${dir}/relais.config.json`)) throw new UsageError(`${dir} has no relais.config.json to refresh from`);
    writeGenerated(dir, layout, JSON.parse(readFileSync(`${dir}/relais.config.json`, 'utf8')));
    say(`rewrote the unit, the backup timer, the proxy examples and README.md in ${dir}`);
    return 0;
  }

  const origin = required(values.origin, 'origin', USAGE);
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new UsageError('--origin is the public origin, e.g. https://signalement.example.fr');
  }
  if (url.protocol !== 'https:' || url.pathname !== '/' || url.search || url.hash)
    throw new UsageError('--origin is an https origin without a path, e.g. https://signalement.example.fr');
  if (existsSync(dir)) throw new UsageError(`${dir} exists; relais init makes a new folder (or --refresh an existing one)`);
  const logOrigin = `${url.host}/log`;
  if (!isValidKeyName(logOrigin)) throw new UsageError('the origin’s host cannot name a log');

  mkdirSync(dir, { recursive: true, mode: 0o755 });
  for (const [sub, mode] of [
    ['keys', 0o755],
    ['secrets', 0o700],
    ['data', 0o700],
    ['backups', 0o700],
  ] as const)
    mkdirSync(`${dir}/${sub}`, { mode });
  const schema = fileURLToPath(new URL('../../relais.config.schema.json', import.meta.url));
  const config = setupConfig({ name: values.name ?? 'Relais', origin: url.origin, logOrigin, schema });
  writeNew(`${dir}/relais.config.json`, `${JSON.stringify(config, null, 2)}\n`);
  const log = generateSignerKey(logOrigin);
  writeNew(`${dir}/keys/log.pub`, `${log.verifierKey}\n`);
  writeNew(`${dir}/secrets/log.key`, `${log.signerKey}\n`, 0o600);
  writeNew(`${dir}/secrets/server.secret`, `${toBase64(randomBytes(32))}\n`, 0o600);
  writeNew(
    `${dir}/keys/README.md`,
    'Public keys only: one OpenPGP public key per member and auditor (NAME.asc, as named in relais.config.json), and log.pub.\nA private key never goes here (relais config check refuses one).\n',
  );
  writeGenerated(dir, layout, config);
  say(`made ${dir}: edit relais.config.json and put the members' public keys in keys/ (README.md says how)`);
  say(`log public key (give it to every auditor): ${log.verifierKey}`);
  return 0;
}
