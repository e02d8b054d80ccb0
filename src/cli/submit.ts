// `relais submit`: files a report from the command line exactly as the resident's browser does
// (sealing, padding, proof of work), for intake on a resident's behalf and for monitoring.
// Attachments are cleaned of their metadata first, as in the browser (DESIGN promise 3).

import { readFileSync } from 'node:fs';
import { ApiClient } from '../client/api.ts';
import { submitReport, type AttachmentInput } from '../client/submit.ts';
import { CONTENT_TYPES, type ContentType } from '../core/envelope.ts';
import { cleanFile, removedLabel } from '../core/strip/index.ts';
import { parse, required, say, UsageError, help } from './args.ts';

const USAGE = `relais submit --server URL --category ID (--text TEXT | --file FILE) [--attach FILE]...
              [--identity-file FILE]

Seals the report to the category's keys, solves the proof of work and files it. Prints the
report reference, then the resident's receipt (20 digits: the only way back to the conversation;
write it down and give it to the resident, it is shown once). --identity-file is for witness
categories (who the witness is); the witness number (W-…) is then printed last. --no-receipt
files without a way back.`;

export async function readAttachment(path: string): Promise<AttachmentInput> {
  const cleaned = await cleanFile(new Uint8Array(readFileSync(path)));
  say(
    `${path}: ${cleaned.removed.length ? `removed ${cleaned.removed.map((c) => removedLabel(c, 'en')).join(', ')}` : 'no metadata found'}`,
  );
  const contentType = (CONTENT_TYPES as readonly string[]).includes(cleaned.mime)
    ? (cleaned.mime as ContentType)
    : 'application/octet-stream';
  return { contentType, bytes: cleaned.bytes };
}

export async function submitCommand(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      server: { type: 'string' },
      category: { type: 'string' },
      text: { type: 'string' },
      file: { type: 'string' },
      attach: { type: 'string', multiple: true },
      'identity-file': { type: 'string' },
      'no-receipt': { type: 'boolean' },
    },
    USAGE,
  );
  if (values.help) return help(USAGE);
  const server = required(values.server, 'server', USAGE);
  const category = required(values.category, 'category', USAGE);
  if ((values.text === undefined) === (values.file === undefined))
    throw new UsageError(`give exactly one of --text and --file\n\n${USAGE}`);
  const text = values.text ?? readFileSync(values.file as string, 'utf8');
  const attachments = [];
  for (const path of values.attach ?? []) attachments.push(await readAttachment(path));
  const identity = values['identity-file'] ? readFileSync(values['identity-file'], 'utf8') : undefined;
  const api = new ApiClient({ server });
  const { ref, receipt, witness } = await submitReport(
    api,
    { category, text, attachments, ...(identity ? { identity } : {}) },
    {
      followUp: !values['no-receipt'],
      onProgress: (stage, done, total) => {
        if (stage === 'sending' && done === 0) say('sending…');
        if (stage === 'sealing' && done === total) say('sealed; solving the proof of work…');
      },
    },
  );
  process.stdout.write(`${ref}\n`);
  if (receipt) {
    process.stdout.write(`${receipt}\n`);
    say('The second line is the receipt: write it down; it is not stored anywhere and is shown only now.');
  }
  if (witness) {
    process.stdout.write(`${witness}\n`);
    say(`The last line is the witness number: investigators and custodians know this witness only as ${witness}.`);
  }
  return 0;
}
