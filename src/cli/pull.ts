// `relais pull`: an officer logs in with their key, downloads the reports routed to them that
// they have not opened yet (or all of them with --all) and decrypts each into its own folder.
// With --sealed it keeps the OpenPGP files as received, for decryption elsewhere (gpg --decrypt).
// File names are neutral (report.txt, attachment-1.jpg): nothing the resident chose.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient } from '../client/api.ts';
import { fetchSealedPart, getReport, listReports, login, logout, unlockPrivateKey } from '../client/staff.ts';
import type { ContentType } from '../core/envelope.ts';
import { openSealedPart } from '../core/seal.ts';
import { parse, required, say } from './args.ts';
import { readPassphrase } from './prompt.ts';

const USAGE = `relais pull --server URL --key PRIVATE_KEY.asc --out DIR [--all] [--sealed]
            [--passphrase-file FILE]

Writes DIR/<reference>/ with info.json, report.txt and attachment-N.<ext> (decrypted), or
report.gpg and attachment-N.gpg with --sealed. Reports already in DIR are skipped.`;

export const EXTENSIONS: Record<ContentType, string> = {
  'text/plain; charset=utf-8': 'txt',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'application/octet-stream': 'bin',
};

export async function pullCommand(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    { server: { type: 'string' }, key: { type: 'string' }, out: { type: 'string' }, all: { type: 'boolean' }, sealed: { type: 'boolean' }, 'passphrase-file': { type: 'string' } },
    USAGE,
  );
  if (values.help) return say(USAGE), 0;
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
  try {
    for (let page = 1; ; ) {
      const list = await listReports(api, { unread: !values.all, page, perPage: 100 });
      let progressed = false;
      for (const summary of list.reports) {
        const dir = join(out, summary.ref);
        if (existsSync(dir)) continue;
        progressed = true;
        const report = await getReport(api, summary.ref);
        mkdirSync(`${dir}.partial`, { recursive: true });
        let attachment = 0;
        for (const part of report.parts) {
          const sealed = await fetchSealedPart(api, report.ref, part.idx);
          const base = part.role === 'attachment' ? `attachment-${++attachment}` : part.role;
          if (values.sealed) {
            writeFileSync(join(`${dir}.partial`, `${base}.gpg`), sealed);
          } else {
            const envelope = await openSealedPart(sealed, key);
            writeFileSync(join(`${dir}.partial`, `${base}.${EXTENSIONS[envelope.contentType]}`), envelope.content);
          }
        }
        const info = { ref: report.ref, category: report.category, received: new Date(report.receivedBucket * 1000).toISOString(), status: report.status };
        writeFileSync(join(`${dir}.partial`, 'info.json'), `${JSON.stringify(info, null, 2)}\n`);
        // A report folder appears whole or not at all, so an interrupted pull is simply resumed.
        renameSync(`${dir}.partial`, dir);
        say(`${report.ref}: ${report.parts.length} part(s)`);
        written++;
      }
      if (values.all) {
        if (list.page * list.perPage >= list.total) break;
        page++;
      } else if (!progressed) {
        // The unread list shrinks as reports are opened, so it is read from page 1 until it
        // offers nothing new.
        break;
      }
    }
  } finally {
    await logout(api).catch(() => {});
  }
  say(`${written} new report(s) in ${out}`);
  return 0;
}
