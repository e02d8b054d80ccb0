// `relais --help` (and a command's own --help) loads only the dispatcher and that command, not
// OpenPGP.js, SQLite, the HTTP stack or the config schema of every command (issue 16 item 4; the
// time is measured by bench/start.bench.ts, not here): a loader hook makes importing any of them
// fail, so this test fails if main.ts goes back to importing every command eagerly.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.ts';

const HEAVY = ['openpgp', 'better-sqlite3', 'hono', '@hono/node-server', 'zod', 'pdf-lib', 'fflate'];
const hooks = `export async function resolve(specifier, context, next) {
  if (${JSON.stringify(HEAVY)}.some((p) => specifier === p || specifier.startsWith(p + '/'))) throw new Error('heavy import: ' + specifier);
  return next(specifier, context);
}`;
const GUARD = `data:text/javascript,${encodeURIComponent(
  `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`,
)}`;

function relaisGuarded(args: string[]) {
  return spawnSync(process.execPath, ['--import', GUARD, BIN, ...args], { encoding: 'utf8' });
}

describe('relais start-up', () => {
  it('lists the commands without loading any of them', () => {
    const help = relaisGuarded(['--help']);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain('check-site');
  });

  it('the guard bites: a command that needs OpenPGP.js cannot run under it', () => {
    const keygen = relaisGuarded(['keygen', '--name', 'x', '--out', '/nonexistent/x']);
    expect(keygen.status).not.toBe(0);
    expect(keygen.stderr).toContain('heavy import: openpgp');
  });
});
