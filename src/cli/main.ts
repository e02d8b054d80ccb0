// The `relais` command (DESIGN "Shape of the code": cli/). One file per command; this one only
// dispatches and turns expected errors into a message and an exit code.

import { ApiClientError } from '../client/api.ts';
import { ConfigError } from '../config/resolve.ts';
import { exitWith, say, UsageError } from './args.ts';
import { auditCommand } from './audit.ts';
import { buildWebCommand } from './build-web.ts';
import { configCommand } from './config-cmd.ts';
import { demoCommand } from './demo.ts';
import { keygenCommand } from './keygen.ts';
import { logKeyCommand } from './log-key.ts';
import { followupCommand } from './followup.ts';
import { pullCommand } from './pull.ts';
import { replyCommand } from './reply.ts';
import { serveCommand } from './serve.ts';
import { submitCommand } from './submit.ts';
import { workerConfigCommand } from './worker-config.ts';

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; summary: string }> = {
  'build-web': { run: buildWebCommand, summary: 'bundle the web pages into web/dist (npm run build)' },
  demo: { run: demoCommand, summary: 'create a demo setup in ./demo if there is none, and serve it' },
  serve: { run: serveCommand, summary: 'run the server on a SQLite file' },
  config: { run: configCommand, summary: 'check relais.config.json and its keys, or write its JSON Schema' },
  keygen: { run: keygenCommand, summary: 'make a staff OpenPGP key pair (v4, Ed25519 + Curve25519)' },
  submit: { run: submitCommand, summary: 'file a report exactly as a resident’s browser does' },
  clean: {
    run: async (argv) => (await import('./clean.ts')).cleanCommand(argv),
    summary: 'remove the metadata of a photo or document, as the resident form does',
  },
  pull: { run: pullCommand, summary: 'log in with your key, download and decrypt your new reports' },
  reply: { run: replyCommand, summary: 'answer a resident (or write an internal note) and set the status they see' },
  witness: {
    run: async (argv) => (await import('./witness.ts')).witnessCommand(argv),
    summary: 'custodians: witness identities and their two-person disclosure; investigators: fetch a disclosed identity',
  },
  followup: { run: followupCommand, summary: 'with a receipt: read the conversation of a report and add a message' },
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
  'log-key': { run: logKeyCommand, summary: 'make the audit log’s checkpoint signing key pair (Ed25519 signed-note keys)' },
  cosigner: {
    run: async (argv) => (await import('./cosigner.ts')).cosignerCommand(argv),
    summary: 'run a witness that cosigns the audit log’s checkpoints (C2SP tlog-witness), or make its keys',
  },
  audit: {
    run: auditCommand,
    summary: 'auditors: verify the cosigned audit log (cosignatures, freshness, every entry, proofs, rules) or export it',
  },
  'worker-config': { run: workerConfigCommand, summary: 'check the config and build the module bundled into the Workers entry' },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return `relais <command> [options]   (relais <command> --help for details)\n\n${Object.entries(COMMANDS)
    .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
    .join('\n')}`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    say(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    say(`unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) return exitWith(2, e.message);
    if (e instanceof ConfigError) return exitWith(1, e.message);
    if (e instanceof ApiClientError) return exitWith(1, `the server refused: ${e.code}: ${e.message}`);
    say(`error: ${(e as Error).message}`);
    return 1;
  }
}
