// Where the package's own folders are (migrations/, web/dist/, package.json), found from this
// module's place: src/paths.ts in a checkout run from its sources, dist/*.js once compiled by
// `npm run build` (src/cli/build-server.ts bundles every module into dist/, one level down
// from the root as src/ is). Node only: the Workers entry never imports it.

import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = fileURLToPath(new URL('../', import.meta.url));
export const MIGRATIONS_DIR = `${PACKAGE_ROOT}migrations/`;
export const WEB_DIST_DIR = `${PACKAGE_ROOT}web/dist/`;
