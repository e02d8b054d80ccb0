// The README.md that `relais init` writes beside the production config (issue 14 §2): what each
// file of the folder is, every field of relais.config.json (a test checks that every field of the
// schema is explained here), the few steps left to do by hand, and what backups, restores, key
// expiry and member changes mean.

/** Every config field, by its path in the JSON Schema ("[]" for array items), with its meaning. */
export const CONFIG_FIELDS: [path: string, text: string][] = [
  ['$schema', 'where editors find the JSON Schema of this file (optional; not part of the config hash).'],
  ['site', 'the public face of the service.'],
  ['site.name', 'the name shown on every page (e.g. "Signalement — Ville de …").'],
  ['site.languages', 'the languages of the resident pages (fr, en, ar), the first one by default.'],
  [
    'site.origin',
    'the public origin, https://host (no path). Staff logins are bound to it: it must be exactly what browsers and `relais pull` use.',
  ],
  ['site.quickExitUrl', 'where the "quick exit" button sends the resident: a neutral https site (default meteofrance.com).'],
  ['site.onion', 'optional: the Tor onion origin (http://<56 characters>.onion), announced with Onion-Location.'],
  ['timeBucketSeconds', 'arrival times are kept only as the start of this bucket (default 3600: one hour; 60 to 86400).'],
  ['retentionDays', 'reports older than this are deleted, each deletion logged (default 365).'],
  ['limits', 'sizes the server accepts; the proxy examples cap bodies at what these allow (`relais init DIR --refresh` after a change).'],
  ['limits.maxTextBytes', 'the largest text of a report or message, in bytes (default 256 KiB).'],
  ['limits.maxAttachmentBytes', 'the largest attachment, in bytes (default 20 MiB).'],
  ['limits.maxReportBytes', 'all attachments of one report together, in bytes (default 50 MiB).'],
  ['limits.maxAttachments', 'attachments per report or message (default 10; 0 disables attachments).'],
  [
    'limits.concurrentUploads',
    'request bodies (reports, messages, no-JS forms) the server reads at once (default 256); past it, 503 server_busy with Retry-After, which the Relais clients wait out before trying again.',
  ],
  [
    'limits.uploadMemoryBytes',
    'the declared sizes of the bodies read at once, together, in bytes (default 128 MiB; one body is always let in): what a flood of uploads can make the server hold.',
  ],
  ['proofOfWork', 'the cost asked of every client before the server does any work (leading zero bits of SHA-256).'],
  ['proofOfWork.reportBits', 'for a report (default 17: a fraction of a second to a second in a browser).'],
  ['proofOfWork.lookupBits', 'for opening a conversation with a receipt (default 16).'],
  ['proofOfWork.loginBits', 'for a staff login, raised while logins keep failing (default 10).'],
  ['proofOfWork.ttlSeconds', 'how long a challenge is good for (default 600).'],
  ['inboxes', 'who reads: one entry per service. Membership changes only here, and every change is logged.'],
  ['inboxes[].id', 'a short id (lowercase letters, digits, dashes), used by categories.'],
  ['inboxes[].name', 'shown to residents as a reader of the categories routed here.'],
  [
    'inboxes[].names',
    'optional: the name in the other site languages, e.g. { "en": "…", "ar": "…" } (`relais config check` names the missing ones).',
  ],
  ['inboxes[].kind', 'police, city, child-protection or witness-custody (custodians of witness identities).'],
  ['inboxes[].members', 'the people of the inbox; every part routed here is sealed to each of them.'],
  ['inboxes[].members[].id', 'a short id, the same in every inbox the person belongs to.'],
  ['inboxes[].members[].name', 'shown to staff and auditors only, never to residents.'],
  [
    'inboxes[].members[].key',
    'their OpenPGP public key file, keys/NAME.asc (made with `relais keygen` or GnuPG). Its user ID is served to every visitor: use a role, not a person’s name.',
  ],
  ['categories', 'what residents choose from, and where each goes.'],
  ['categories[].id', 'a short id.'],
  ['categories[].kind', '"tip" (default) or "witness" (a request to testify under protection).'],
  ['categories[].labels', 'the label in each of site.languages.'],
  ['categories[].hints', 'optional: a hint under the label, per language.'],
  ['categories[].inboxes', 'tips: the inboxes whose members every part is sealed to.'],
  ['categories[].testimony', 'witness requests: the inboxes that read what the witness saw.'],
  ['categories[].identity', 'witness requests: the witness-custody inboxes that alone read who the witness is.'],
  ['auditors', 'people who verify the audit log; they never read a report and cannot be inbox members.'],
  ['auditors[].id', 'a short id.'],
  ['auditors[].name', 'shown in the log tools.'],
  ['auditors[].key', 'their OpenPGP public key file in keys/ (they log in with it).'],
  ['analysts', 'people who read the city’s aggregate figures (counts per category and period, small counts suppressed); never a report.'],
  ['analysts[].id', 'a short id (not an inbox member, not an auditor).'],
  ['analysts[].name', 'shown in the console.'],
  ['analysts[].key', 'their OpenPGP public key file in keys/.'],
  ['figures', 'the aggregate figures analysts see.'],
  ['figures.k', 'counts under k are never shown (default 5).'],
  ['notifications', 'optional: content-free notices to members who opt in, saying only that their inbox has something new.'],
  ['notifications.schedule', '"bucket" (at most one notice per closed time bucket, default) or "daily" (one digest).'],
  ['notifications.dailyAt', 'the hour (UTC) of the daily digest, HH:00 (default 07:00).'],
  ['notifications.smtp', 'the mail relay for e-mail notices.'],
  ['notifications.smtp.host', 'its host name.'],
  ['notifications.smtp.port', 'its port (default 587).'],
  ['notifications.smtp.tls', '"starttls" (default), "implicit" (465) or "none" (only to a relay on this machine).'],
  ['notifications.smtp.user', 'optional login; the password comes from RELAIS_SMTP_PASSWORD or --smtp-password-file, never from here.'],
  ['notifications.smtp.from', 'the sender address.'],
  ['notifications.recipients', 'the members who opted in.'],
  ['notifications.recipients[].member', 'an inbox member’s id.'],
  ['notifications.recipients[].email', 'where their notices go.'],
  ['notifications.webhooks', 'a POST of {"text": …} per notice for an inbox (e.g. the service’s chat room).'],
  ['notifications.webhooks[].inbox', 'the inbox.'],
  ['notifications.webhooks[].url', 'https (http only to this machine).'],
  ['log', 'the audit log.'],
  ['log.origin', 'the log’s name in its signed checkpoints; the log key is made for this name and it never changes.'],
  ['log.publicKey', 'the log’s public key (keys/log.pub), which every auditor keeps their own copy of.'],
  [
    'log.cosigners',
    'the independent bodies (city inspection, prefecture, an NGO) that cosign each checkpoint; each runs `relais cosigner serve`.',
  ],
  ['log.cosigners[].name', 'the cosigner’s name, as in its key.'],
  ['log.cosigners[].url', 'where its witness API answers (POST <url>/add-checkpoint).'],
  ['log.cosigners[].key', 'its verifier key, from `relais cosigner keygen`, received from the cosigner itself.'],
  ['log.quorum', 'how many cosignatures a checkpoint needs to count as witnessed (default 1 with cosigners, else 0).'],
  ['log.maxCheckpointAgeSeconds', 'the server gets a freshly cosigned checkpoint at least this often (default 900).'],
];

export function initReadme(o: { dir: string; origin: string; port: number; user: string; bin: string; bodyMb: number }): string {
  const fields = CONFIG_FIELDS.map(([path, text]) => `| \`${path}\` | ${text} |`).join('\n');
  const relais = `node ${o.bin}`;
  return `# This Relais

Made by \`relais init\` for ${o.origin}. Everything the server needs is in this folder:

| path | what | who may read it |
|---|---|---|
| \`relais.config.json\` | the config: inboxes, members, categories, auditors, the log (fields below) | the service; review every change |
| \`keys/\` | members' and auditors' **public** keys, and \`log.pub\` (the log's public key) | anyone; give \`log.pub\` to every auditor |
| \`secrets/server.secret\` | 32 random bytes: the keys of challenges, login and follow-up tokens | root only (0600); systemd hands it to the service |
| \`secrets/log.key\` | the key that signs the audit log's checkpoints | root only (0600); keep an offline copy |
| \`data/\` | the SQLite database (sealed reports, the audit log) | the service user only (0700) |
| \`backups/\` | copies of the database made by \`relais backup\` | root and the service user (0700) |
| \`relais.service\` | the systemd unit, sandboxed (read-only system, only \`data/\` writable) | |
| \`relais-backup.service\`, \`relais-backup.timer\` | a daily backup, 14 kept | |
| \`proxy/Caddyfile\`, \`proxy/nginx.conf\` | TLS in front, no access log, bodies capped at ${o.bodyMb} MB, no client headers passed | |

## What is left to do by hand

1. **Members' keys.** Each member makes their key on their own computer —
   \`relais keygen --name "Police — liaison 1" --out liaison-police-1\` (or GnuPG) — and sends you
   only the \`.pub.asc\` file. Put each as \`keys/<id>.asc\` under the id the config names, and edit
   \`relais.config.json\`: inboxes, members (ids, names), categories, auditors. Private keys never
   come here.
2. **Check it**: \`${relais} config check --config ${o.dir}/relais.config.json\`.
3. **The service user and the unit**:
   \`useradd --system --no-create-home --shell /usr/sbin/nologin ${o.user}\`,
   \`chown ${o.user}: ${o.dir}/data ${o.dir}/backups\`, then
   \`cp ${o.dir}/relais.service ${o.dir}/relais-backup.service ${o.dir}/relais-backup.timer /etc/systemd/system/\`,
   \`systemctl daemon-reload && systemctl enable --now relais relais-backup.timer\`.
4. **The proxy**: install one of \`proxy/Caddyfile\` or \`proxy/nginx.conf\` (each says how) and
   point DNS at this machine. Relais listens on 127.0.0.1:${o.port} only.
5. **Check the running setup**: \`${relais} doctor --dir ${o.dir}\` (permissions, keys, log key,
   that no client header reaches Relais through the proxy, the clock). Run it after every change.
6. **Auditors** get \`keys/log.pub\` from you in person (not from the server) and run
   \`relais audit verify\` regularly.

## The config, field by field

| field | meaning |
|---|---|
${fields}

Every change of the config (a member, a key, a route) is a new config hash: the server logs
\`config.changed\` with who joined or left which inbox when it starts with it. Restart it after
each change (\`systemctl restart relais\`).

## Keys that expire, members who leave

- 30 days before a member's key expires, \`config check\`, the server's log (once a day) and the
  console (for that member and their inbox) say so. Extend it (\`gpg --quick-set-expire\`) and
  replace the file in \`keys/\`, then restart.
- When a key expires while the server runs, intake goes on: that member drops out of the routing
  (\`config.changed\` with reason \`key-expired\`), the others keep receiving, and a category left
  with nobody to read it is shown to residents as temporarily unavailable.
- A new member cannot read reports that arrived before them until a current member runs
  \`relais grant --server ${o.origin} --key KEY --all\` (or uses the console's button on a report):
  it re-wraps only the session keys for the current members, and those who left lose access
  through the server.

## Backups and restores

\`relais backup --db ${o.dir}/data/relais.db --out-dir ${o.dir}/backups\` copies the database while
the server runs (SQLite's online backup), 0600; the timer does it daily and keeps 14. A backup
holds everything the database holds (sealed reports, staff times, the audit log): keep it as you
keep the server, and delete it once older than the retention period, since retention does not
reach into backups.

**A restore is a rollback of the audit log.** Every auditor's state file holds a later signed
checkpoint; their next \`relais audit verify\` fails with "rollback", as it must. With cosigners
(\`log.cosigners\`), the restored log cannot be cosigned again either: they hold a larger tree
(the server logs \`LOG ALERT\`). Going on after a restore therefore means a new log: a new
\`log.origin\` and key (\`relais log-key\`), the new public key given to the cosigners and the
auditors, who start new state files and keep the old ones as evidence. Before restoring, tell
every auditor and cosigner what you restore, from when and why. Reports that arrived after the
backup are lost to the server (their residents' receipts no longer open anything).

## Logs

The server writes no line per resident request; its own lines (start, key warnings, failures) go
to the journal (\`journalctl -u relais\`). The proxy examples write no access log. Do not add one,
nor any analytics, in front of Relais: the proxy sees every resident's address.
`;
}
