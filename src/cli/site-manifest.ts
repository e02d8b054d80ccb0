// `relais site-manifest`: the manifest a server would serve at /.well-known/relais/manifest with
// this config and these built web assets (DESIGN promise 11, issue 12), computed by the server's
// own code (the pages rendered through the app, on a throwaway in-memory database), without
// starting a server. A city runs it before deploying to know the hash to publish; `relais
// check-site --source DIR --config F` runs it from DIR to compare a live site with its sources.

import { loadConfigFile } from '../config/load-node.ts';
import { randomBytes } from '../core/bytes.ts';
import { groupedHash, manifestHash, manifestText } from '../core/site-manifest.ts';
import { siteManifestOf } from '../app.ts';
import { openNodeStore } from '../node.ts';
import { loadWebBuild } from '../node-web-build.ts';
import { WEB_DIST_DIR } from '../paths.ts';
import { deriveSecrets } from '../server/secrets.ts';
import { help, parse, say } from './args.ts';

const USAGE = `relais site-manifest [--config relais.config.json] [--web web/dist] [--hash]

Prints the site manifest (canonical JSON) that \`relais serve\` with this config and these web
assets serves at /.well-known/relais/manifest; with --hash, only its SHA-256 (the hash a city
publishes).`;

export async function siteManifestCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { config: { type: 'string' }, web: { type: 'string' }, hash: { type: 'boolean' } }, USAGE);
  if (values.help) return help(USAGE);
  const build = loadWebBuild(values.web ?? WEB_DIST_DIR);
  const config = await loadConfigFile(values.config ?? 'relais.config.json');
  const store = await openNodeStore(':memory:');
  try {
    const manifest = await siteManifestOf({ config, store, secrets: deriveSecrets(randomBytes(32)), build });
    const hash = manifestHash(manifest);
    process.stdout.write(values.hash ? `${hash}\n` : manifestText(manifest));
    if (!values.hash) say(`manifest ${groupedHash(hash)}`);
  } finally {
    await store.db.close();
  }
  return 0;
}
