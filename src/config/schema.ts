// The shape of `relais.config.json` (DESIGN "Config"), validated with zod. The operator edits this
// one reviewed file; membership and routing change only here (DESIGN promise 8). A JSON Schema for
// editors is generated from this file (`relais config schema`, written to relais.config.schema.json).
// Cross-references (unknown inbox, missing label…) are checked here too, so that every refusal
// names the field and the reason.

import { z } from 'zod';

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'ids are lowercase letters, digits and dashes (at most 63)');
const language = z.string().regex(/^[a-z]{2,3}$/, 'a language is a two- or three-letter code such as "fr"');
const keyPath = z.string().regex(/^keys\/[A-Za-z0-9._-]+\.asc$/, 'a member key is a file keys/NAME.asc next to the config file');
const text = (max: number) => z.string().trim().min(1).max(max);

export const MemberSchema = z
  .object({
    id,
    name: text(100).describe('shown to staff and auditors, never to residents'),
    key: keyPath.describe('the member’s OpenPGP public key (v4), relative to the config file'),
  })
  .strict();

export const INBOX_KINDS = ['police', 'city', 'child-protection', 'witness-custody'] as const;

export const InboxSchema = z
  .object({
    id,
    name: text(100).describe('shown to residents as a recipient of the categories routed here, and to staff'),
    names: z
      .record(language, text(100))
      .optional()
      .describe('the name residents read in each language, by language code; a language without one shows `name`'),
    kind: z.enum(INBOX_KINDS),
    members: z.array(MemberSchema).min(1, 'an inbox needs at least one member'),
  })
  .strict();

const labels = z.record(language, text(200));

const TipCategorySchema = z
  .object({
    id,
    kind: z.literal('tip').default('tip'),
    labels,
    hints: z.record(language, text(500)).optional(),
    inboxes: z.array(id).min(1).describe('inboxes whose members every part is sealed to'),
  })
  .strict();

const WitnessCategorySchema = z
  .object({
    id,
    kind: z.literal('witness'),
    labels,
    hints: z.record(language, text(500)).optional(),
    testimony: z.array(id).min(1).describe('inboxes that receive what the witness saw'),
    identity: z.array(id).min(1).describe('witness-custody inboxes that alone receive who the witness is'),
  })
  .strict();

export const CategorySchema = z.union([WitnessCategorySchema, TipCategorySchema]);

const MB = 1024 * 1024;

const NotificationsSchema = z
  .object({
    schedule: z.enum(['bucket', 'daily']).default('bucket').describe('one notice per closed time bucket, or one daily digest'),
    dailyAt: z
      .string()
      .regex(/^([01][0-9]|2[0-3]):00$/, 'a whole hour, HH:00 (UTC)')
      .default('07:00')
      .describe('the hour (UTC) of the daily digest'),
    smtp: z
      .object({
        host: z.string().regex(/^[A-Za-z0-9.-]{1,253}$/),
        port: z.number().int().min(1).max(65_535).default(587),
        tls: z
          .enum(['starttls', 'implicit', 'none'])
          .default('starttls')
          .describe('STARTTLS required (587), TLS from the start (465), or none — only to a relay on this machine'),
        user: z
          .string()
          .max(200)
          .optional()
          .describe('the password comes from RELAIS_SMTP_PASSWORD or --smtp-password-file, never from here'),
        from: z.email(),
      })
      .strict()
      .optional(),
    recipients: z
      .array(z.object({ member: id, email: z.email() }).strict())
      .default([])
      .describe('inbox members who opted in, and the address their notices go to'),
    webhooks: z
      .array(z.object({ inbox: id, url: z.url({ protocol: /^https?$/ }) }).strict())
      .default([])
      .describe('a POST of {"text": …} per notice for an inbox (e.g. a chat room of the service)'),
  })
  .strict();

const ConfigObject = z
  .object({
    $schema: z.string().optional(),
    site: z
      .object({
        name: text(100),
        languages: z.array(language).min(1).describe('the first one is the default'),
        origin: z.url({ protocol: /^https?$/ }).describe('public origin of the service; staff logins are bound to it'),
        quickExitUrl: z
          .url({ protocol: /^https$/ })
          .default('https://meteofrance.com/')
          .describe('where the “quick exit” button sends the resident: a neutral site'),
        onion: z
          .string()
          .regex(/^http:\/\/[a-z2-7]{56}\.onion$/, 'an onion origin is http://<56 base32 characters>.onion')
          .optional(),
      })
      .strict(),
    timeBucketSeconds: z
      .number()
      .int()
      .min(60)
      .max(86_400)
      .default(3600)
      .describe('received times are stored only as the start of this bucket'),
    retentionDays: z.number().int().min(1).max(3650).default(365),
    limits: z
      .object({
        maxTextBytes: z
          .number()
          .int()
          .min(1024)
          .max(MB)
          .default(256 * 1024),
        maxAttachmentBytes: z
          .number()
          .int()
          .min(MB)
          .max(100 * MB)
          .default(20 * MB),
        maxReportBytes: z
          .number()
          .int()
          .min(MB)
          .max(200 * MB)
          .default(50 * MB),
        maxAttachments: z.number().int().min(0).max(20).default(10),
        concurrentUploads: z
          .number()
          .int()
          .min(1)
          .max(1024)
          .default(256)
          .describe('request bodies the server reads at once; past it: 503 server_busy with Retry-After'),
        uploadMemoryBytes: z
          .number()
          .int()
          .min(MB)
          .max(4096 * MB)
          .default(128 * MB)
          .describe('declared sizes of the bodies read at once, together (one body is always let in)'),
      })
      .strict()
      .prefault({}),
    proofOfWork: z
      .object({
        reportBits: z.number().int().min(0).max(28).default(17),
        lookupBits: z.number().int().min(0).max(28).default(16),
        loginBits: z.number().int().min(0).max(28).default(10),
        ttlSeconds: z.number().int().min(30).max(3600).default(600),
      })
      .strict()
      .prefault({}),
    inboxes: z.array(InboxSchema).min(1),
    categories: z.array(CategorySchema).min(1),
    auditors: z.array(MemberSchema).default([]),
    analysts: z
      .array(MemberSchema)
      .default([])
      .describe('read the city’s aggregate figures (counts per category and period, small counts suppressed); never a report'),
    figures: z
      .object({
        k: z
          .number()
          .int()
          .min(2)
          .max(100)
          .default(5)
          .describe('counts under k are never shown (suppressed, with totals of shown cells only)'),
      })
      .strict()
      .prefault({}),
    notifications: NotificationsSchema.optional().describe(
      'content-free notices to members who opt in: at most one per closed time bucket (or a daily digest), saying only that the inbox has something new',
    ),
    log: z
      .object({
        origin: text(200).describe('the log’s name in checkpoints, e.g. relais.example.org/log'),
        publicKey: z
          .string()
          .regex(/^keys\/[A-Za-z0-9._-]+$/)
          .describe('file holding the log’s note verifier key'),
        cosigners: z
          .array(
            z
              .object({
                name: text(200).describe('the cosigner’s name in its signatures (the name of its key)'),
                url: z.url({ protocol: /^https?$/ }).describe('prefix of its C2SP tlog-witness API (POST <url>/add-checkpoint)'),
                key: z
                  .string()
                  .regex(/^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/)
                  .describe('its verifier key (name+keyid+base64, as written by relais cosigner keygen)'),
              })
              .strict(),
          )
          .max(16)
          .default([])
          .describe('independent witnesses that cosign each checkpoint (C2SP tlog-witness, tlog-cosignature/v1)'),
        quorum: z
          .number()
          .int()
          .min(0)
          .max(16)
          .optional()
          .describe('cosignatures a checkpoint needs before the server counts it as witnessed (default 1 with cosigners, else 0)'),
        maxCheckpointAgeSeconds: z
          .number()
          .int()
          .min(30)
          .max(86_400)
          .default(900)
          .describe('the server gets a newly cosigned checkpoint at least this often, with or without new entries'),
      })
      .strict(),
  })
  .strict();

export const ConfigSchema = ConfigObject.superRefine((config, ctx) => checkReferences(config, ctx));

export type Config = z.infer<typeof ConfigObject>;
export type Inbox = z.infer<typeof InboxSchema>;
export type Member = z.infer<typeof MemberSchema>;
export type Category = z.infer<typeof CategorySchema>;

function checkReferences(c: Config, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const inboxes = new Map(c.inboxes.map((i) => [i.id, i]));
  if (inboxes.size !== c.inboxes.length) issue(['inboxes'], 'inbox ids must be unique');
  const categoryIds = new Set(c.categories.map((k) => k.id));
  if (categoryIds.size !== c.categories.length) issue(['categories'], 'category ids must be unique');

  // A person may sit in several inboxes, always with the same key; staff and auditors stay apart.
  const memberKeys = new Map<string, string>();
  c.inboxes.forEach((inbox, i) =>
    inbox.members.forEach((m, j) => {
      const known = memberKeys.get(m.id);
      if (known !== undefined && known !== m.key)
        issue(['inboxes', i, 'members', j, 'key'], `member "${m.id}" appears with two different keys`);
      memberKeys.set(m.id, m.key);
    }),
  );
  c.auditors.forEach((a, i) => {
    if (memberKeys.has(a.id)) issue(['auditors', i, 'id'], `auditor "${a.id}" is also an inbox member; auditors never read reports`);
  });
  c.analysts.forEach((a, i) => {
    if (memberKeys.has(a.id)) issue(['analysts', i, 'id'], `analyst "${a.id}" is also an inbox member; analysts never read reports`);
    if (c.auditors.some((x) => x.id === a.id)) issue(['analysts', i, 'id'], `analyst "${a.id}" is also an auditor: use two members`);
  });
  if (c.notifications) {
    const n = c.notifications;
    if (n.recipients.length > 0 && !n.smtp) issue(['notifications', 'smtp'], 'e-mail recipients need an smtp relay');
    if (n.smtp?.tls === 'none' && !['127.0.0.1', '::1', 'localhost'].includes(n.smtp.host))
      issue(['notifications', 'smtp', 'tls'], 'an SMTP relay without TLS must be on this machine (127.0.0.1, ::1 or localhost)');
    n.recipients.forEach((r, i) => {
      if (!memberKeys.has(r.member)) issue(['notifications', 'recipients', i, 'member'], `"${r.member}" is not an inbox member`);
    });
    n.webhooks.forEach((w, i) => {
      if (!inboxes.has(w.inbox)) issue(['notifications', 'webhooks', i, 'inbox'], `unknown inbox "${w.inbox}"`);
      if (w.url.startsWith('http:') && !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(w.url))
        issue(['notifications', 'webhooks', i, 'url'], 'a webhook is https, or http only to this machine');
    });
  }

  const cosignerNames = new Set<string>();
  c.log.cosigners.forEach((w, i) => {
    if (cosignerNames.has(w.name)) issue(['log', 'cosigners', i, 'name'], `cosigner "${w.name}" is listed twice`);
    cosignerNames.add(w.name);
    if (!w.key.startsWith(`${w.name}+`)) issue(['log', 'cosigners', i, 'key'], `the key of cosigner "${w.name}" is named otherwise`);
  });
  if ((c.log.quorum ?? 0) > c.log.cosigners.length) issue(['log', 'quorum'], 'the quorum is larger than the number of cosigners');

  c.categories.forEach((category, i) => {
    for (const lang of c.site.languages) {
      if (!category.labels[lang]) issue(['categories', i, 'labels'], `category "${category.id}" has no label in "${lang}"`);
    }
    const routes: [string, string[]][] =
      category.kind === 'witness'
        ? [
            ['testimony', category.testimony],
            ['identity', category.identity],
          ]
        : [['inboxes', category.inboxes]];
    for (const [field, ids] of routes) {
      if (new Set(ids).size !== ids.length) issue(['categories', i, field], `category "${category.id}" lists an inbox twice`);
      ids.forEach((inboxId, j) => {
        const inbox = inboxes.get(inboxId);
        if (!inbox) return issue(['categories', i, field, j], `category "${category.id}" routes to unknown inbox "${inboxId}"`);
        const custody = inbox.kind === 'witness-custody';
        if (field === 'identity' && !custody)
          issue(['categories', i, field, j], `a witness identity goes only to witness-custody inboxes, not "${inboxId}"`);
        if (field !== 'identity' && custody)
          issue(['categories', i, field, j], `witness-custody inbox "${inboxId}" receives identities only`);
      });
    }
  });
}
