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
import type { ResolvedConfig } from '../config/resolve.ts';
import { parse, say, help } from './args.ts';

const USAGE = `relais worker-config [--config relais.config.json] [--out build/worker-config.json]

Checks the config and its keys and writes the module that wrangler bundles into the Worker.
Run it before every \`wrangler deploy\`.`;

export const DEFAULT_WORKER_CONFIG = 'build/worker-config.json';

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
  // wrangler.toml serves web/dist; wrangler refuses to deploy while it does not exist.
  if (!existsSync(fileURLToPath(new URL('../../web/dist/', import.meta.url))))
    say('note: web/dist does not exist yet; run `npm run build` before `wrangler deploy`');
  return 0;
}
