// `relais worker-config`: the deploy-time build step of the Workers entry (DESIGN "Config").
// Reads relais.config.json and the public key files it names, checks them exactly as the server
// does, and writes the JSON module that wrangler bundles into the Worker (wrangler.toml aliases
// "relais-worker-config" to it). Only what the config names from keys/ goes in: public keys and
// the log's public key, never a private key (resolveConfig refuses one).

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildConfigBundle, type ConfigBundle } from '../config/bundled.ts';
import { readConfigSource } from '../config/load-node.ts';
import { keyWarnings } from '../config/expiry.ts';
import type { ResolvedConfig } from '../config/resolve.ts';
import { help, parse, say } from './args.ts';
import { proxyBodyLimitMb } from './init-files.ts';

const USAGE = `relais worker-config [--config relais.config.json] [--out build/worker-config.json]

Checks the config and its keys and writes the module that wrangler bundles into the Worker.
Run it before every \`wrangler deploy\`.`;

export const DEFAULT_WORKER_CONFIG = 'build/worker-config.json';

const MB = 1024 * 1024;
/** What a Worker may take (Cloudflare's limits): request bodies on the Free and Pro plans, memory per isolate. */
const WORKERS_BODY_MAX = 100 * MB;
const WORKERS_SAFE_REPORT = 25 * MB;

/** What this config asks of the Workers platform that it may not give. */
export function workersLimitWarnings(config: ResolvedConfig['config']): string[] {
  const out: string[] = [];
  const { limits } = config;
  const body = proxyBodyLimitMb(limits) * MB;
  if (body > WORKERS_BODY_MAX)
    out.push(
      `a request body can reach ${Math.round(body / MB)} MB with these limits; Cloudflare refuses bodies over 100 MB on the Free and Pro plans: lower limits.maxReportBytes`,
    );
  if (limits.maxReportBytes > WORKERS_SAFE_REPORT)
    out.push(
      `limits.maxReportBytes is ${Math.round(limits.maxReportBytes / MB)} MB; a Worker holds the whole body in its 128 MB of memory while checking it: keep it at 25 MB or less on Workers`,
    );
  out.push(
    'CPU: the no-JavaScript forms derive the receipt (Argon2id, 19 MiB) and make a key on the server, hundreds of milliseconds of CPU per request, and large reports take seconds to check; the Workers Free plan stops a request after 10 ms of CPU: deploy on the Paid plan (up to 30 s by default, [limits] cpu_ms in wrangler.toml), or residents without JavaScript and large reports will fail',
  );
  return out;
}

export async function buildWorkerConfig(configPath: string, now = new Date()): Promise<{ bundle: ConfigBundle; resolved: ResolvedConfig }> {
  // Read exactly as the Node server reads it; the bundle names the config file, not its path.
  const source = await readConfigSource(configPath, now);
  return buildConfigBundle({ ...source, file: configPath.split(/[\\/]/).pop() ?? configPath });
}

export async function writeWorkerConfig(configPath: string, out: string): Promise<ResolvedConfig> {
  const { bundle, resolved } = await buildWorkerConfig(configPath);
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(out, `${JSON.stringify(bundle)}\n`);
  return resolved;
}

export async function workerConfigCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { config: { type: 'string' }, out: { type: 'string' } }, USAGE);
  if (values.help) return help(USAGE);
  const configPath = values.config ?? 'relais.config.json';
  const out = values.out ?? DEFAULT_WORKER_CONFIG;
  const resolved = await writeWorkerConfig(configPath, out);
  say(`${configPath}: OK (hash ${resolved.hash}); wrote ${out}`);
  for (const w of keyWarnings(resolved, Date.now())) say(`warning: ${w.line}`);
  for (const w of workersLimitWarnings(resolved.config)) say(`warning: ${w}`);
  // wrangler.toml serves web/dist; wrangler refuses to deploy while it does not exist.
  if (!existsSync(fileURLToPath(new URL('../../web/dist/', import.meta.url))))
    say('note: web/dist does not exist yet; run `npm run build` before `wrangler deploy`');
  return 0;
}
