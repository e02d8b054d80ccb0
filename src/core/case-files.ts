// The files of a case export (issue 15 §2, DESIGN "Flows: Case export"): the manifest, the
// French summary for a procès-verbal (HTML) and the notice saying what the folder holds and where
// it may be kept. Every one is a pure function of the manifest and the decrypted contents, so
// `relais verify-export` rebuilds them byte for byte: a changed byte anywhere fails. Times are
// written in UTC by hand (no Intl), so the console and the CLI make the same bytes.

import { canonicalJson, type JsonValue } from './canonical-json.ts';
import type { ContentType, PartKind } from './envelope.ts';
import type { PartRole } from './wire.ts';

export const EXPORT_FORMAT = 'relais-case-export/1';
export const MANIFEST = 'manifest.json';
export const SUMMARY = 'resume.html';
export const NOTICE = 'LISEZ-MOI.txt';
export const PROOF = 'preuve/signalement-recu.tlog-proof';
export const ENTRY = 'preuve/signalement-recu.json';

export interface ExportedItem {
  /** part index, or message index */
  idx: number;
  kind: PartKind;
  contentType: ContentType;
  /** paths inside the export */
  sealed: string;
  sessionKey: string;
  content: string;
  /** SHA-256 of the sealed bytes (hex) */
  sha256: string;
}

export interface ExportedPart extends ExportedItem {
  role: PartRole;
}

export interface ExportedMessage extends ExportedItem {
  author: 'resident' | 'staff';
  memberId: string | null;
  /** unix seconds: the bucket start for the resident, exact for staff */
  at: number;
}

export interface CaseManifest {
  format: typeof EXPORT_FORMAT;
  ref: string;
  witness: string | null;
  category: string;
  categoryLabel: string;
  receivedBucket: number;
  bucketSeconds: number;
  status: string;
  logOrigin: string;
  exportedBy: { id: string; name: string };
  exportedAt: string;
  parts: ExportedPart[];
  /** parts of the report this officer may not read (a witness's identity): their hash only */
  withheld: { idx: number; role: PartRole; sha256: string }[];
  messages: ExportedMessage[];
  /** status changes without a message: no file */
  statusChanges: { idx: number; memberId: string | null; status: string | null; at: number }[];
  /** SHA-256 (hex) of every file but the manifest */
  files: Record<string, string>;
}

export function manifestBytes(m: CaseManifest): Uint8Array {
  return new TextEncoder().encode(`${canonicalJson(m as unknown as JsonValue)}\n`);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-11-26 17:00 UTC" */
export function utcText(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** "entre 2026-11-26 17:00 UTC et 2026-11-26 18:00 UTC": a bucket as the range it is. */
export function bucketRangeText(start: number, size: number): string {
  return `entre ${utcText(start)} et ${utcText(start + size)}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const KIND_FR: Record<string, string> = {
  report: 'signalement',
  attachment: 'pièce jointe',
  identity: 'identité du témoin',
  message: 'message',
  note: 'note interne',
};

/** What a text part reads as, or null for a file. */
function textOf(item: ExportedItem, contents: Map<string, Uint8Array>): string | null {
  if (item.contentType !== 'text/plain; charset=utf-8') return null;
  return new TextDecoder().decode(contents.get(item.content) ?? new Uint8Array());
}

export function noticeText(m: CaseManifest): string {
  return [
    `EXPORT DU DOSSIER ${m.ref} — RELAIS`,
    '',
    'CE DOSSIER CONTIENT LE SIGNALEMENT EN CLAIR : le texte déchiffré du signalement, ses pièces',
    'jointes et la conversation avec le résident, ainsi que les parties chiffrées telles que reçues,',
    'la clé de session de chacune et la preuve que le serveur les a inscrites au journal.',
    '',
    'Où le conserver : uniquement dans la procédure (scellé ou dossier de procédure) ou sur un',
    'support chiffré du service, jamais dans une messagerie, un partage en ligne ou un poste personnel.',
    'Les clés de session ouvrent les parties chiffrées : qui les détient lit le signalement.',
    `Exporté par ${m.exportedBy.name} (${m.exportedBy.id}) le ${m.exportedAt} ; l’export est inscrit au journal.`,
    '',
    'Contenu :',
    `  ${SUMMARY}  résumé pour le procès-verbal`,
    '  contenu/   le signalement, les pièces jointes et les messages déchiffrés',
    '  scelle/    les parties chiffrées (OpenPGP) telles que reçues',
    '  cles/      la clé de session de chaque partie (gpg --override-session-key CLE --decrypt)',
    '  preuve/    l’entrée report.received du journal (avec l’empreinte SHA-256 de chaque partie)',
    '             et sa preuve d’inclusion dans un point de contrôle signé (format c2sp.org/tlog-proof)',
    `  ${MANIFEST} la liste des fichiers et leurs empreintes`,
    '',
    'Vérifier hors ligne, avec votre propre copie de la clé publique du journal :',
    '  relais verify-export DOSSIER --log-key log.pub [--cosigner CLE]…',
    '',
  ].join('\n');
}

export function summaryHtml(m: CaseManifest, contents: Map<string, Uint8Array>): string {
  const rows = (pairs: [string, string][]) =>
    pairs.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n');
  const item = (title: string, it: ExportedItem) => {
    const text = textOf(it, contents);
    const body =
      text === null
        ? `<p>Fichier : <code>${escapeHtml(it.content)}</code> (${escapeHtml(it.contentType)})</p>`
        : `<pre>${escapeHtml(text)}</pre>`;
    return `<section>\n<h3>${escapeHtml(title)}</h3>\n${body}\n<p class="small">Partie chiffrée : <code>${escapeHtml(it.sealed)}</code>, SHA-256 <code>${it.sha256}</code></p>\n</section>`;
  };
  const parts = m.parts.map((p) => item(`Partie ${p.idx} — ${KIND_FR[p.kind] ?? p.kind}`, p)).join('\n');
  const events = [
    ...m.messages.map((msg) => ({
      idx: msg.idx,
      html: item(
        `Message ${msg.idx} — ${msg.author === 'resident' ? `résident, ${bucketRangeText(msg.at, m.bucketSeconds)}` : `${msg.memberId ?? ''}, ${utcText(msg.at)}`} — ${KIND_FR[msg.kind] ?? msg.kind}`,
        msg,
      ),
    })),
    ...m.statusChanges.map((s) => ({
      idx: s.idx,
      html: `<section>\n<h3>Message ${s.idx} — ${escapeHtml(s.memberId ?? '')}, ${utcText(s.at)} — changement d’état : ${escapeHtml(s.status ?? '')}</h3>\n</section>`,
    })),
  ]
    .sort((a, b) => a.idx - b.idx)
    .map((e) => e.html)
    .join('\n');
  const withheld = m.withheld.length
    ? `<p>Parties non exportées (réservées à d’autres destinataires) : ${m.withheld.map((w) => `${w.idx} (${escapeHtml(KIND_FR[w.role] ?? w.role)})`).join(', ')} ; leur empreinte figure dans l’entrée du journal.</p>`
    : '';
  return `<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>Relais — dossier ${escapeHtml(m.ref)}</title>
<style>body{font-family:sans-serif;max-width:50em;margin:2em auto;line-height:1.4}th{text-align:left;padding-right:1em}pre{white-space:pre-wrap;border:1px solid #999;padding:.5em}.small{font-size:.85em;color:#444}</style>
</head>
<body>
<h1>Relais — résumé du dossier ${escapeHtml(m.ref)}</h1>
<p><strong>Ce document contient le signalement en clair.</strong> À conserver uniquement dans la procédure ou sur un support chiffré du service.</p>
<h2>Le signalement</h2>
<table>
${rows([
  ['Référence', m.ref],
  ...(m.witness ? ([['Numéro de témoin', m.witness]] as [string, string][]) : []),
  ['Catégorie', `${m.categoryLabel} (${m.category})`],
  ['Reçu', `${bucketRangeText(m.receivedBucket, m.bucketSeconds)} (le serveur ne conserve que cette tranche horaire)`],
  ['État à l’export', m.status],
  ['Exporté par', `${m.exportedBy.name} (${m.exportedBy.id})`],
  ['Exporté le', m.exportedAt],
  ['Journal', m.logOrigin],
])}
</table>
${parts}
${withheld}
<h2>La conversation</h2>
${events || '<p>Aucun message.</p>'}
<h2>Authenticité</h2>
<p>Le dossier <code>preuve/</code> contient l’entrée <code>report.received</code> que le serveur a inscrite à son journal d’audit à la fermeture de la tranche horaire, avec l’empreinte SHA-256 de chaque partie chiffrée, et la preuve de son inclusion (RFC 9162) dans un point de contrôle signé par la clé du journal (et contresigné par les témoins du journal, s’il y en a). Chaque partie chiffrée se déchiffre avec sa clé de session (<code>gpg --override-session-key "$(cat cles/…)" --decrypt scelle/…</code>) en le contenu exporté. La commande <code>relais verify-export</code> vérifie tout cela hors ligne. Les messages de la conversation ne sont pas inscrits au journal avec leur empreinte : leur contenu est vérifié par leur déchiffrement, non par le journal.</p>
</body>
</html>
`;
}
