// `relais demo` (what `npm start` runs): on first use, makes a complete demo setup in ./demo —
// config, member keys (public keys in demo/keys/, private keys in demo/private/, all locked with
// the passphrase "demo"), a server secret and a log key — then serves it on localhost with a loud
// banner. demo/ is git-ignored; nothing in it may ever be used for real reports.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, toBase64 } from '../core/bytes.ts';
import { generateSignerKey } from '../core/tlog/index.ts';
import { parse, say, help } from './args.ts';
import { buildWeb } from './build-web.ts';
import { AUDITORS, INBOXES, setupConfig } from './config-template.ts';
import { generateStaffKey } from './keygen.ts';
import { portOption, serveWith } from './serve.ts';

const USAGE = `relais demo [--dir demo] [--port 8787] [--prepare]

Makes the demo setup in DIR if there is none and serves it. --prepare only makes it (and
web/dist), for running the same demo in another runtime (wrangler dev).`;
export const DEMO_PASSPHRASE = 'demo-passphrase';

export async function createDemo(dir: string, port: number): Promise<void> {
  for (const sub of ['keys', 'private', 'secrets']) mkdirSync(join(dir, sub), { recursive: true });
  const people: (readonly [string, string])[] = [...INBOXES.flatMap((i): (readonly [string, string])[] => [...i.members]), ...AUDITORS];
  for (const [id, name] of people) {
    const key = await generateStaffKey(`${name} (DEMO)`, DEMO_PASSPHRASE);
    writeFileSync(join(dir, 'keys', `${id}.asc`), key.publicKey);
    writeFileSync(join(dir, 'private', `${id}.key.asc`), key.privateKey, { mode: 0o600 });
  }
  const config = setupConfig({
    name: 'Relais — DÉMONSTRATION',
    origin: `http://localhost:${port}`,
    logOrigin: `localhost:${port}/relais-demo-log`,
    schema: '../relais.config.schema.json',
  });
  const log = generateSignerKey(config.log.origin);
  writeFileSync(join(dir, 'keys', 'log.pub'), `${log.verifierKey}\n`);
  writeFileSync(join(dir, 'secrets', 'log.key'), `${log.signerKey}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'secrets', 'server.secret'), `${toBase64(randomBytes(32))}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'relais.config.json'), `${JSON.stringify(config, null, 2)}\n`);
  writeFileSync(
    join(dir, 'README.txt'),
    `DEMO SETUP — NOT FOR REAL REPORTS\n\nEvery private key in private/ is locked with the passphrase "${DEMO_PASSPHRASE}",\nwhich is written here in clear. Anyone with this folder reads every report.\nDelete this folder to start again from scratch.\n`,
  );
}

/**
 * Staff logins are bound to site.origin: a demo started again on another port moves its origin
 * there (a config change, logged as one). The log's origin stays: it names the log key.
 */
export function followPort(configPath: string, port: number): void {
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as { site?: { origin?: string } };
  const origin = `http://localhost:${port}`;
  if (!config.site || config.site.origin === origin) return;
  config.site.origin = origin;
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  say(`the demo now runs on port ${port}: its origin is ${origin}`);
}

export function banner(url: string, dir: string): string {
  const lines = [
    'RELAIS DEMO — NOT FOR REAL REPORTS',
    '',
    `Resident form:   ${url}/`,
    `Officer console: ${url}/console/`,
    `Auditor page:    ${url}/audit/   (log key: ${dir}/keys/log.pub)`,
    `Staff keys:      ${dir}/private/*.key.asc (passphrase "${DEMO_PASSPHRASE}")`,
    '',
    'These keys are public knowledge: anyone can read what is sent here.',
  ];
  const width = Math.max(...lines.map((l) => l.length));
  const bar = '#'.repeat(width + 6);
  return [bar, ...lines.map((l) => `## ${l.padEnd(width)} ##`), bar].join('\n');
}

export async function demoCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { dir: { type: 'string' }, port: { type: 'string' }, prepare: { type: 'boolean' } }, USAGE);
  if (values.help) return help(USAGE);
  const dir = values.dir ?? 'demo';
  const port = portOption(values.port ?? process.env.PORT, 8787);
  if (!existsSync(join(dir, 'relais.config.json'))) {
    say(`creating a demo setup in ${dir}/ …`);
    await createDemo(dir, port);
  } else if (port !== 0) {
    followPort(join(dir, 'relais.config.json'), port);
  }
  await buildWeb({ quiet: true }).catch((e: unknown) => {
    // An install without the development dependencies has no esbuild: it serves the web/dist
    // it came with (checked at start like any other).
    if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    say('note: esbuild is not installed, so the demo serves the web assets already built in web/dist');
  });
  if (values.prepare) {
    say(`demo setup ready in ${dir}/ (web/dist built)`);
    return 0;
  }
  const server = await serveWith({
    config: join(dir, 'relais.config.json'),
    db: join(dir, 'relais.db'),
    secretFile: join(dir, 'secrets', 'server.secret'),
    logKeyFile: join(dir, 'secrets', 'log.key'),
    port,
    host: '127.0.0.1',
  });
  say(banner(server.url.replace('127.0.0.1', 'localhost'), dir));
  return new Promise<number>(() => {});
}
