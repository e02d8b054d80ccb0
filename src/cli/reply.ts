// `relais reply`: an officer answers a resident from the command line — a message sealed to the
// resident's reply key and the inbox, or an internal note for the inbox only — and may set the
// status the resident sees (the message is then its explanation).

import { readFileSync } from 'node:fs';
import { reply } from '../client/staff.ts';
import type { ReportStatus } from '../store/reports.ts';
import { parse, required, say, UsageError, help } from './args.ts';
import { readAttachment } from './submit.ts';
import { staffSession } from './staff-session.ts';

const USAGE = `relais reply --server URL --key PRIVATE_KEY.asc --ref R-XXXX-XXXX-XXXX
             [--text TEXT | --file FILE] [--note] [--status received|in-progress|closed]
             [--attach FILE]... [--passphrase-file FILE]

Without --note the text goes to the resident (and the inbox); with --note to the inbox only.
With --status and a text, the text is the explanation the resident sees with the new status.`;

const STATUSES: ReportStatus[] = ['received', 'in-progress', 'closed'];

export async function replyCommand(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      server: { type: 'string' },
      key: { type: 'string' },
      ref: { type: 'string' },
      text: { type: 'string' },
      file: { type: 'string' },
      note: { type: 'boolean' },
      status: { type: 'string' },
      attach: { type: 'string', multiple: true },
      'passphrase-file': { type: 'string' },
    },
    USAGE,
  );
  if (values.help) return help(USAGE);
  const server = required(values.server, 'server', USAGE);
  const ref = required(values.ref, 'ref', USAGE);
  if (values.text !== undefined && values.file !== undefined) throw new UsageError(`give --text or --file, not both\n\n${USAGE}`);
  const text = values.text ?? (values.file ? readFileSync(values.file, 'utf8') : undefined);
  const status = values.status as ReportStatus | undefined;
  if (status !== undefined && !STATUSES.includes(status)) throw new UsageError(`--status is one of ${STATUSES.join(', ')}`);
  if (text === undefined && !status) throw new UsageError(`nothing to send: give a text, a status or both\n\n${USAGE}`);
  if (values.note && (status || values.attach)) throw new UsageError('a note has no status and no attachments');
  const attachments = [];
  for (const path of values.attach ?? []) attachments.push(await readAttachment(path));
  const { api, close } = await staffSession(server, required(values.key, 'key', USAGE), values['passphrase-file']);
  try {
    await reply(api, ref, {
      ...(text !== undefined ? { text } : {}),
      note: values.note ?? false,
      ...(status ? { status } : {}),
      attachments,
    });
  } finally {
    await close();
  }
  say(`${ref}: ${values.note ? 'note' : text !== undefined ? 'reply' : 'status'} sent${status ? `, status ${status}` : ''}`);
  return 0;
}
