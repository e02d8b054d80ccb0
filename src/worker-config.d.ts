// The config module bundled into the Workers entry at deploy time: the JSON written by
// `relais worker-config` (src/cli/worker-config.ts), which wrangler.toml aliases under this name.
declare module 'relais-worker-config' {
  const bundle: unknown;
  export default bundle;
}
