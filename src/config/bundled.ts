// The config as the Workers entry carries it (DESIGN "Config"): built at deploy time from
// relais.config.json and the files it names (public keys and the log's public key), then bundled
// into the Worker as a JSON module, which has no file system. Both directions go through the same
// resolveConfig as on Node, so a bundle that builds is a config the server accepts, with the same
// hash (promise 8: the config version logged on the edge is the one that was reviewed).

import { ConfigError, resolveConfig, textSource, type ConfigSource, type ResolvedConfig } from './resolve.ts';

export const BUNDLE_FORMAT = 'relais-worker-config/1';

export interface ConfigBundle {
  format: typeof BUNDLE_FORMAT;
  /** name of the config file it was built from, for messages */
  file: string;
  /** the parsed config file */
  config: unknown;
  /** text of every file the config names, by the relative path it names it with */
  files: Record<string, string>;
}

/** Resolves a config from its sources (checking it) and records the files it read. */
export async function buildConfigBundle(source: ConfigSource): Promise<{ bundle: ConfigBundle; resolved: ResolvedConfig }> {
  const resolved = await resolveConfig(source);
  return { bundle: { format: BUNDLE_FORMAT, file: source.file, config: source.json, files: resolved.texts.files }, resolved };
}

/** Resolves a bundled config as of `now` (key expiry is checked again on the edge). */
export async function resolveConfigBundle(bundle: unknown, now: Date): Promise<ResolvedConfig> {
  const b = bundle as Partial<ConfigBundle> | null;
  if (!b || typeof b !== 'object' || b.format !== BUNDLE_FORMAT || typeof b.files !== 'object' || b.files === null) {
    throw new ConfigError([
      { file: 'worker config', path: '', message: `not a ${BUNDLE_FORMAT} bundle; build it with relais worker-config` },
    ]);
  }
  return resolveConfig(
    textSource(
      { file: typeof b.file === 'string' ? b.file : 'relais.config.json', json: b.config, files: b.files as Record<string, string> },
      now,
    ),
  );
}
