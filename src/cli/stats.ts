// `relais stats`: an analyst (or an auditor) fetches the city's figures — counts per category per
// closed week and month, and per status, small counts suppressed by the server (issue 15 §4) —
// as CSV (--csv) or JSON, to standard output or a file. The read is logged.

import { writeFileSync } from 'node:fs';
import { getFigures, getFiguresCsv } from '../client/staff.ts';
import { help, parse, required, say } from './args.ts';
import { staffSession } from './staff-session.ts';

const USAGE = `relais stats --server URL --key PRIVATE_KEY.asc [--csv] [--out FILE] [--passphrase-file FILE]

Prints the figures as JSON, or as CSV with --csv (kind,period,category,count; a suppressed
count reads "<k"). Every total is the sum of the counts shown.`;

export async function statsCommand(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      server: { type: 'string' },
      key: { type: 'string' },
      csv: { type: 'boolean' },
      out: { type: 'string' },
      'passphrase-file': { type: 'string' },
    },
    USAGE,
  );
  if (values.help) return help(USAGE);
  const server = required(values.server, 'server', USAGE);
  const { api, close } = await staffSession(server, required(values.key, 'key', USAGE), values['passphrase-file']);
  let text: string;
  try {
    text = values.csv ? await getFiguresCsv(api) : `${JSON.stringify(await getFigures(api), null, 2)}\n`;
  } finally {
    await close();
  }
  if (values.out) {
    writeFileSync(values.out, text, { mode: 0o600 });
    say(`figures written to ${values.out}`);
  } else process.stdout.write(text);
  return 0;
}
