// The `relais` command (DESIGN "Shape of the code": cli/). One file per command; this one only
// dispatches and turns expected errors into a message and an exit code. Each command's module is
// imported only when that command runs, so `relais --help` (or any one command) does not pay for
// loading OpenPGP.js, SQLite, the strippers and every other command (issue 16 item 4).

import { exitWith, help, say, UsageError } from './args.ts';

type Run = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, { run: Run; summary: string }> = {
  build: {
    run: async (argv) => (await import('./build-server.ts')).buildCommand(argv),
    summary: 'build web/dist and compile the server and the CLI into dist/ (npm run build)',
  },
  'build-web': {
    run: async (argv) => (await import('./build-web.ts')).buildWebCommand(argv),
    summary: 'bundle the web pages into web/dist, reproducibly, with their build manifest',
  },
  demo: {
    run: async (argv) => (await import('./demo.ts')).demoCommand(argv),
    summary: 'create a demo setup in ./demo if there is none, and serve it',
  },
  serve: { run: async (argv) => (await import('./serve.ts')).serveCommand(argv), summary: 'run the server on a SQLite file' },
  init: {
    run: async (argv) => (await import('./init.ts')).initCommand(argv),
    summary: 'make a production folder: config, keys, secrets, systemd unit, proxy examples',
  },
  doctor: {
    run: async (argv) => (await import('./doctor.ts')).doctorCommand(argv),
    summary: 'check a running setup: permissions, keys, log key, proxy headers, clock',
  },
  backup: {
    run: async (argv) => (await import('./backup.ts')).backupCommand(argv),
    summary: 'copy the database while the server runs (and what a restore means for auditors)',
  },
  config: {
    run: async (argv) => (await import('./config-cmd.ts')).configCommand(argv),
    summary: 'check relais.config.json and its keys, or write its JSON Schema',
  },
  keygen: {
    run: async (argv) => (await import('./keygen.ts')).keygenCommand(argv),
    summary: 'make a staff OpenPGP key pair (v4, Ed25519 + Curve25519)',
  },
  submit: {
    run: async (argv) => (await import('./submit.ts')).submitCommand(argv),
    summary: 'file a report exactly as a resident’s browser does',
  },
  clean: {
    run: async (argv) => (await import('./clean.ts')).cleanCommand(argv),
    summary: 'remove the metadata of a photo or document, as the resident form does',
  },
  pull: {
    run: async (argv) => (await import('./pull.ts')).pullCommand(argv),
    summary: 'log in with your key, download and decrypt your new reports',
  },
  grant: {
    run: async (argv) => (await import('./grant.ts')).grantCommand(argv),
    summary: 'give the current members of an inbox access to earlier reports (after members changed)',
  },
  reply: {
    run: async (argv) => (await import('./reply.ts')).replyCommand(argv),
    summary: 'answer a resident (or write an internal note) and set the status they see',
  },
  witness: {
    run: async (argv) => (await import('./witness.ts')).witnessCommand(argv),
    summary: 'custodians: witness identities and their two-person disclosure; investigators: fetch a disclosed identity',
  },
  followup: {
    run: async (argv) => (await import('./followup.ts')).followupCommand(argv),
    summary: 'with a receipt: read the conversation of a report and add a message',
  },
  export: {
    run: async (argv) => (await import('./export.ts')).exportCommand(argv),
    summary: 'officers: export one report for the judicial file, with its sealed parts, session keys and log proof',
  },
  'verify-export': {
    run: async (argv) => (await import('./verify-export.ts')).verifyExportCommand(argv),
    summary: 'check a case export offline: files, signed checkpoint, inclusion, part hashes, session keys',
  },
  stats: {
    run: async (argv) => (await import('./stats.ts')).statsCommand(argv),
    summary: 'analysts: the city’s figures per category, week, month and status, small counts suppressed (CSV or JSON)',
  },
  'log-key': {
    run: async (argv) => (await import('./log-key.ts')).logKeyCommand(argv),
    summary: 'make the audit log’s checkpoint signing key pair (Ed25519 signed-note keys)',
  },
  cosigner: {
    run: async (argv) => (await import('./cosigner.ts')).cosignerCommand(argv),
    summary: 'run a witness that cosigns the audit log’s checkpoints (C2SP tlog-witness), or make its keys',
  },
  audit: {
    run: async (argv) => (await import('./audit.ts')).auditCommand(argv),
    summary: 'auditors: verify the cosigned audit log (cosignatures, freshness, every entry, proofs, rules) or export it',
  },
  'site-manifest': {
    run: async (argv) => (await import('./site-manifest.ts')).siteManifestCommand(argv),
    summary: 'print the manifest of the served code a server with this config would publish, and its hash',
  },
  'check-site': {
    run: async (argv) => (await import('./check-site.ts')).checkSiteCommand(argv),
    summary: 'anyone: check a live site’s pages and scripts against its manifest, the signed log and the sources',
  },
  'worker-config': {
    run: async (argv) => (await import('./worker-config.ts')).workerConfigCommand(argv),
    summary: 'check the config and build the module bundled into the Workers entry',
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return `relais <command> [options]   (relais <command> --help for details)\n\n${Object.entries(COMMANDS)
    .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
    .join('\n')}`;
}

/** An expected failure as its exit code and message; anything else is an error line and 1. */
async function explain(e: unknown): Promise<number> {
  if (e instanceof UsageError) return exitWith(2, e.message);
  // These modules were already loaded by the command that threw one of their errors.
  const [{ ConfigError }, { ApiClientError }] = await Promise.all([import('../config/resolve.ts'), import('../client/api.ts')]);
  if (e instanceof ConfigError) return exitWith(1, e.message);
  if (e instanceof ApiClientError) return exitWith(1, `the server refused: ${e.code}: ${e.message}`);
  say(`error: ${(e as Error).message}`);
  return 1;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' || name === '--help' || name === '-h') return help(usage());
  if (!name) return exitWith(2, usage());
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    say(`unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    return await explain(e);
  }
}
