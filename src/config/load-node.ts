// Reads relais.config.json and its key files from disk for the Node entry and the CLI. Key paths
// are relative to the config file's folder and must stay inside its keys/ folder.

import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { ConfigError, resolveConfig, type ConfigSource, type ResolvedConfig } from './resolve.ts';

/** The config file parsed, with a reader for the files it names (keys/ only). */
export async function readConfigSource(path: string, now = new Date()): Promise<ConfigSource> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ConfigError([{ file: path, path: '', message: 'cannot read the config file' }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError([{ file: path, path: '', message: `not valid JSON (${(e as Error).message})` }]);
  }
  const base = dirname(resolve(path));
  return {
    file: path,
    json,
    now,
    readFile: async (rel) => {
      const full = resolve(base, rel);
      // The schema already restricts key paths; this stops a symlinked or odd path escaping keys/.
      if (relative(base, full).split(sep)[0] !== 'keys') throw new Error('outside keys/');
      return readFile(full, 'utf8');
    },
  };
}

export async function loadConfigFile(path: string, now = new Date()): Promise<ResolvedConfig> {
  return resolveConfig(await readConfigSource(path, now));
}
