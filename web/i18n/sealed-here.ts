// What is true only when the page script runs: the report (or the witness request) is sealed on
// this device before it leaves (DESIGN promise 1). These sentences live in the script, never in
// the HTML or its message catalogue, so that a page seen without JavaScript, where the server
// seals, cannot say it even in hidden text (issue 17). One entry per language of web/i18n (a test
// checks it); they are small, so the script carries all of them for the in-page language switch.

export const SEALED_HERE: Record<string, { report: string; witness: string }> = {
  fr: {
    report: 'Votre signalement est chiffré sur cet appareil avant de partir. Le serveur ne peut pas le lire.',
    witness:
      'Votre témoignage et votre identité sont chiffrés séparément sur cet appareil avant de partir. Le serveur ne peut lire ni l’un ni l’autre.',
  },
  en: {
    report: 'Your report is encrypted on this device before it leaves. The server cannot read it.',
    witness: 'Your testimony and your identity are encrypted separately on this device before they leave. The server can read neither.',
  },
  ar: {
    report: 'يُشفَّر بلاغك على هذا الجهاز قبل أن يُرسَل. لا يستطيع الخادم قراءته.',
    witness: 'تُشفَّر شهادتك وهويتك كلٌّ على حدة على هذا الجهاز قبل أن تُرسَلا. لا يستطيع الخادم قراءة أيٍّ منهما.',
  },
};
