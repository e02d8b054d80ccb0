// `relais worker-config`: the deploy-time build step of the Workers entry (DESIGN "Config").
// Reads relais.config.json and the public key files it names, checks them exactly as the server
// does, and writes the JSON module that wrangler bundles into the Worker (wrangler.toml aliases
// "relais-worker-config" to it). Only what the config names from keys/ goes in: public keys and
// the log's public key, never a private key (resolveConfig refuses one).

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildConfigBundle, type ConfigBundle } from '../config/bundled.ts';
import { ConfigError, type ResolvedConfig } from '../config/resolve.ts';
import { parse, say } from './args.ts';

const USAGE = `relais worker-config [--config relais.config.json] [--out build/worker-config.json]

Checks the config and its keys and writes the module that wrangler bundles into the Worker.
Run it before every \`wrangler deploy\`.`;

export const DEFAULT_WORKER_CONFIG = 'build/worker-config.json';

export async function buildWorkerConfig(configPath: string, now = new Date()): Promise<{ bundle: ConfigBundle; resolved: ResolvedConfig }> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(configPath, 'utf8'));
  } catch (e) {
    throw new ConfigError([{ file: configPath, path: '', message: `cannot read the config file as JSON (${(e as Error).name})` }]);
  }
  const base = dirname(resolve(configPath));
  return buildConfigBundle({
    file: configPath.split(/[\\/]/).pop() ?? configPath,
    json,
    now,
    readFile: async (rel) => {
      const full = resolve(base, rel);
      // As on Node (load-node.ts): nothing outside the config's keys/ folder.
      if (relative(base, full).split(sep)[0] !== 'keys') throw new Error('outside keys/');
      return readFile(full, 'utf8');
    },
  });
}

export async function writeWorkerConfig(configPath: string, out: string): Promise<ResolvedConfig> {
  const { bundle, resolved } = await buildWorkerConfig(configPath);
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(out, `${JSON.stringify(bundle)}\n`);
  return resolved;
}

export async function workerConfigCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { config: { type: 'string' }, out: { type: 'string' } }, USAGE);
  if (values.help) return say(USAGE), 0;
  const configPath = values.config ?? 'relais.config.json';
  const out = values.out ?? DEFAULT_WORKER_CONFIG;
  const resolved = await writeWorkerConfig(configPath, out);
  say(`${configPath}: OK (hash ${resolved.hash}); wrote ${out}`);
  // wrangler.toml serves web/dist; wrangler refuses to deploy while it does not exist.
  if (!existsSync(fileURLToPath(new URL('../../web/dist/', import.meta.url)))) say('note: web/dist does not exist yet; run `npm run build` before `wrangler deploy`');
  return 0;
}
