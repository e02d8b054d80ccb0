// Loaded with `node --import`: any import of TypeScript tooling (tsx, esbuild, typescript) or of
// a .ts file then throws, so a test can show that a process runs compiled JavaScript only.
import { register } from 'node:module';

const hooks = `
export async function resolve(specifier, context, next) {
  if (/^(tsx|esbuild|typescript)(\\/|$)/.test(specifier)) throw new Error('TypeScript tooling imported: ' + specifier);
  const resolved = await next(specifier, context);
  if (/\\.[cm]?ts$/.test(new URL(resolved.url).pathname)) throw new Error('TypeScript source imported: ' + resolved.url);
  return resolved;
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
