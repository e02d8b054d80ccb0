// What the resident is told was removed from an attachment, in French and English
// (DESIGN promise 3: "the resident is told what was removed").
import type { RemovedCode } from './types.ts';

const LABELS: Record<RemovedCode, { fr: string; en: string }> = {
  gps: { fr: 'position GPS', en: 'GPS position' },
  camera: { fr: "modèle de l'appareil", en: 'camera make and model' },
  serial: { fr: "numéro de série de l'appareil", en: 'device serial number' },
  datetime: { fr: 'date de prise de vue', en: 'date and time taken' },
  author: { fr: "nom de l'auteur", en: 'author name' },
  software: { fr: 'logiciel utilisé', en: 'software used' },
  thumbnail: { fr: 'miniature ou image cachée', en: 'thumbnail or hidden image' },
  xmp: { fr: 'métadonnées XMP', en: 'XMP metadata' },
  iptc: { fr: 'légende et crédits IPTC', en: 'IPTC caption and credits' },
  comment: { fr: 'commentaires', en: 'comments' },
  trailer: { fr: 'données ajoutées en fin de fichier', en: 'data appended after the end of the file' },
  text: { fr: 'titre, sujet ou description', en: 'title, subject or description' },
  revisions: { fr: 'historique des modifications', en: 'editing history' },
  'document-id': { fr: 'identifiant unique du document', en: 'unique document identifier' },
  'color-profile': { fr: 'profil de couleur', en: 'colour profile' },
  attachment: { fr: 'fichiers joints cachés', en: 'hidden attached files' },
  other: { fr: 'autres métadonnées', en: 'other metadata' },
};

export function removedLabel(code: RemovedCode, lang: 'fr' | 'en'): string {
  const entry = LABELS[code] as { fr: string; en: string } | undefined;
  if (!entry) return lang === 'fr' ? LABELS.other.fr : LABELS.other.en;
  return entry[lang === 'fr' ? 'fr' : 'en'];
}
