// `relais followup`: the resident's way back, from the command line (for intake on a resident's
// behalf, monitoring and tests): turn a receipt into the conversation, print it, and optionally
// add a message. Everything is decrypted here; the server sees only the lookup key.

import { readFileSync } from 'node:fs';
import { ApiClient } from '../client/api.ts';
import { openConversation, readMessages, sendMessage } from '../client/followup.ts';
import { fromUtf8 } from '../core/bytes.ts';
import { parse, required, UsageError, help } from './args.ts';
import { readAttachment } from './submit.ts';

const USAGE = `relais followup --server URL (--receipt-file FILE | RELAIS_RECEIPT=…) [--text TEXT] [--attach FILE]...

Prints the status and the conversation of the report the receipt belongs to; with --text, adds a
message (sealed to the inbox and to the resident's own key).`;

export async function followupCommand(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      server: { type: 'string' },
      'receipt-file': { type: 'string' },
      text: { type: 'string' },
      attach: { type: 'string', multiple: true },
    },
    USAGE,
  );
  if (values.help) return help(USAGE);
  const server = required(values.server, 'server', USAGE);
  const receipt = values['receipt-file'] ? readFileSync(values['receipt-file'], 'utf8').trim() : process.env.RELAIS_RECEIPT;
  if (!receipt) throw new UsageError(`no receipt: use --receipt-file or RELAIS_RECEIPT\n\n${USAGE}`);
  const conversation = await openConversation(new ApiClient({ server }), receipt);
  if (values.text !== undefined) {
    const attachments = [];
    for (const path of values.attach ?? []) attachments.push(await readAttachment(path));
    await sendMessage(conversation, values.text, attachments);
  }
  const messages = await readMessages(conversation);
  process.stdout.write(`${conversation.ref} — ${conversation.category} — status: ${conversation.status}\n`);
  for (const m of messages) {
    const who = m.author === 'resident' ? 'you' : 'officer';
    const when = new Date(m.at * 1000).toISOString().slice(0, 16).replace('T', ' ');
    const body =
      m.envelope === null
        ? ''
        : m.envelope.contentType.startsWith('text/plain')
          ? fromUtf8(m.envelope.content)
          : `[${m.envelope.contentType}, ${m.envelope.content.length} bytes]`;
    process.stdout.write(`\n[${when}] ${who}${m.kind === 'status' ? ` (status → ${m.status})` : ''}:\n${body}\n`);
  }
  return 0;
}
