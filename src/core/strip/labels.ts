// What the resident is told was removed from an attachment, in French, English and Arabic
// (DESIGN promise 3: "the resident is told what was removed"); another language reads English.
import type { RemovedCode } from './types.ts';

type Words = { fr: string; en: string; ar: string };

const LABELS: Record<RemovedCode, Words> = {
  gps: { fr: 'position GPS', en: 'GPS position', ar: 'الموقع (GPS)' },
  camera: { fr: "modèle de l'appareil", en: 'camera make and model', ar: 'نوع الجهاز أو الكاميرا' },
  serial: { fr: "numéro de série de l'appareil", en: 'device serial number', ar: 'الرقم التسلسلي للجهاز' },
  datetime: { fr: 'date de prise de vue', en: 'date and time taken', ar: 'تاريخ ووقت التصوير' },
  author: { fr: "nom de l'auteur", en: 'author name', ar: 'اسم صاحب الملف' },
  software: { fr: 'logiciel utilisé', en: 'software used', ar: 'البرنامج المستعمل' },
  thumbnail: { fr: 'miniature ou image cachée', en: 'thumbnail or hidden image', ar: 'صورة مصغرة أو صورة مخفية' },
  xmp: { fr: 'métadonnées XMP', en: 'XMP metadata', ar: 'معلومات مخفية (XMP)' },
  iptc: { fr: 'légende et crédits IPTC', en: 'IPTC caption and credits', ar: 'وصف الصورة واسم المصوّر (IPTC)' },
  comment: { fr: 'commentaires', en: 'comments', ar: 'تعليقات' },
  trailer: { fr: 'données ajoutées en fin de fichier', en: 'data appended after the end of the file', ar: 'بيانات مضافة في آخر الملف' },
  text: { fr: 'titre, sujet ou description', en: 'title, subject or description', ar: 'العنوان أو الموضوع أو الوصف' },
  revisions: { fr: 'historique des modifications', en: 'editing history', ar: 'سجل التعديلات' },
  'document-id': { fr: 'identifiant unique du document', en: 'unique document identifier', ar: 'رقم تعريف الملف' },
  'color-profile': { fr: 'profil de couleur', en: 'colour profile', ar: 'إعدادات الألوان' },
  attachment: { fr: 'fichiers joints cachés', en: 'hidden attached files', ar: 'ملفات مخفية داخل الملف' },
  other: { fr: 'autres métadonnées', en: 'other metadata', ar: 'معلومات مخفية أخرى' },
};

export function removedLabel(code: RemovedCode, lang: string): string {
  const entry = LABELS[code] ?? LABELS.other;
  return lang === 'fr' || lang === 'ar' ? entry[lang] : entry.en;
}
