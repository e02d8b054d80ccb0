// `relais pull`: an officer logs in with their key, downloads the reports routed to them that
// they have not opened yet (or all of them with --all) and decrypts each into its own folder.
// With --sealed it keeps the OpenPGP files as received, for decryption elsewhere (gpg --decrypt).
// File names are neutral (report.txt, attachment-1.jpg): nothing the resident chose.

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient } from '../client/api.ts';
import {
  fetchSealedMessage,
  fetchSealedPart,
  getReport,
  listReports,
  login,
  logout,
  unlockPrivateKey,
  type ReportDetail,
} from '../client/staff.ts';
import { CONTENT_EXTENSIONS } from '../core/envelope.ts';
import { openSealedPart } from '../core/seal.ts';
import { parse, required, exitWith, say } from './args.ts';
import { readPassphrase } from './prompt.ts';

const USAGE = `relais pull --server URL --key PRIVATE_KEY.asc --out DIR [--all] [--sealed]
            [--passphrase-file FILE]

Writes DIR/<reference>/ with info.json, report.txt and attachment-N.<ext> (decrypted), or
report.gpg and attachment-N.gpg with --sealed, and the conversation in messages/. Pulling again
adds what is new: new reports, and new messages of reports already in DIR.`;

export const EXTENSIONS = CONTENT_EXTENSIONS;

/**
 * Writes the messages of a report's conversation not yet on disk, as
 * messages/NNNN-<author>-<kind>.<ext>, and the whole conversation's metadata to
 * messages/conversation.json. Returns how many message files were added.
 */
async function pullConversation(
  api: ApiClient,
  report: ReportDetail,
  dir: string,
  open: (sealed: Uint8Array, base: string, dir: string) => Promise<void>,
): Promise<number> {
  if (report.messages.length === 0) return 0;
  const folder = join(dir, 'messages');
  mkdirSync(folder, { recursive: true });
  const present = new Set(readdirSync(folder).map((f) => f.slice(0, 4)));
  let added = 0;
  for (const m of report.messages) {
    const number = String(m.idx).padStart(4, '0');
    if (m.size === 0 || present.has(number)) continue;
    await open(await fetchSealedMessage(api, report.ref, m.idx), `${number}-${m.author}-${m.kind}`, folder);
    added++;
  }
  const index = report.messages.map((m) => ({ ...m, at: new Date(m.at * 1000).toISOString() }));
  writeFileSync(join(folder, 'conversation.json'), `${JSON.stringify(index, null, 2)}\n`);
  return added;
}

export async function pullCommand(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      server: { type: 'string' },
      key: { type: 'string' },
      out: { type: 'string' },
      all: { type: 'boolean' },
      sealed: { type: 'boolean' },
      'passphrase-file': { type: 'string' },
    },
    USAGE,
  );
  if (values.help) return exitWith(0, USAGE);
  const server = required(values.server, 'server', USAGE);
  const out = required(values.out, 'out', USAGE);
  const armored = readFileSync(required(values.key, 'key', USAGE), 'utf8');
  const passphrase = await readPassphrase({ file: values['passphrase-file'], prompt: 'Passphrase of your key: ' });
  const key = await unlockPrivateKey(armored, passphrase);
  const api = new ApiClient({ server });
  const { member } = await login(api, key, new URL(server).origin);
  say(`logged in as ${member.id} (${member.inboxes.join(', ')})`);
  mkdirSync(out, { recursive: true });
  let written = 0;
  const seen = new Set<string>();
  const open = async (sealed: Uint8Array, base: string, dir: string) => {
    if (values.sealed) return writeFileSync(join(dir, `${base}.gpg`), sealed);
    const envelope = await openSealedPart(sealed, key);
    writeFileSync(join(dir, `${base}.${EXTENSIONS[envelope.contentType]}`), envelope.content);
  };
  try {
    for (let page = 1; ; ) {
      const list = await listReports(api, { unread: !values.all, page, perPage: 100 });
      const fresh = list.reports.filter((r) => !seen.has(r.ref));
      for (const summary of fresh) {
        seen.add(summary.ref);
        const dir = join(out, summary.ref);
        const report = await getReport(api, summary.ref);
        const isNew = !existsSync(dir);
        if (isNew) {
          mkdirSync(`${dir}.partial`, { recursive: true });
          let attachment = 0;
          for (const part of report.parts) {
            await open(
              await fetchSealedPart(api, report.ref, part.idx),
              part.role === 'attachment' ? `attachment-${++attachment}` : part.role,
              `${dir}.partial`,
            );
          }
          // A report folder appears whole or not at all, so an interrupted pull is simply resumed.
          renameSync(`${dir}.partial`, dir);
          written++;
        }
        const added = await pullConversation(api, report, dir, open);
        const info = {
          ref: report.ref,
          category: report.category,
          received: new Date(report.receivedBucket * 1000).toISOString(),
          status: report.status,
        };
        writeFileSync(join(dir, 'info.json'), `${JSON.stringify(info, null, 2)}\n`);
        if (isNew || added > 0)
          say(`${report.ref}: ${isNew ? `${report.parts.length} part(s)` : 'updated'}${added ? `, ${added} new message(s)` : ''}`);
      }
      if (values.all) {
        if (list.page * list.perPage >= list.total) break;
        page++;
      } else if (fresh.length === 0) {
        // The unread list shrinks as reports are opened, so it is read from page 1 until it
        // offers nothing not seen in this run.
        break;
      }
    }
  } finally {
    await logout(api).catch(() => {});
  }
  say(`${written} new report(s) in ${out}`);
  return 0;
}
