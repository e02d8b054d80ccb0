// The config `relais demo` and `relais init` start from: the four kinds of inboxes a French city
// works with (police, city prevention, child protection, witness custody), their members named by
// role (never a person: public keys are served to every resident's browser), the usual
// categories with their labels, hints and inbox names in French, English and Arabic, one auditor, the log.

export const INBOXES = [
  {
    id: 'police-stup',
    name: 'Police nationale — brigade des stupéfiants',
    names: { en: 'National police — drug squad', ar: 'الشرطة الوطنية — فرقة مكافحة المخدرات' },
    kind: 'police',
    members: [
      ['liaison-police-1', 'Police — liaison 1'],
      ['liaison-police-2', 'Police — liaison 2'],
    ],
  },
  {
    id: 'mairie-prevention',
    name: 'Mairie — prévention de la délinquance',
    names: { en: 'City hall — crime prevention', ar: 'البلدية — الوقاية من الجريمة' },
    kind: 'city',
    members: [['prevention-1', 'Mairie — prévention 1']],
  },
  {
    id: 'protection-enfance',
    name: 'Aide sociale à l’enfance',
    names: { en: 'Child welfare services', ar: 'مصلحة حماية الطفولة' },
    kind: 'child-protection',
    members: [['ase-1', 'ASE — référent 1']],
  },
  {
    id: 'garde-temoins',
    name: 'Protection des témoins',
    names: { en: 'Witness protection', ar: 'حماية الشهود' },
    kind: 'witness-custody',
    members: [
      ['gardien-1', 'Garde des témoins 1'],
      ['gardien-2', 'Garde des témoins 2'],
    ],
  },
] as const;
export const AUDITORS = [['auditeur-1', 'Audit — inspection 1']] as const;

export function setupConfig(site: { name: string; origin: string; logOrigin: string; schema: string }) {
  const member = ([id, name]: readonly [string, string]) => ({ id, name, key: `keys/${id}.asc` });
  return {
    $schema: site.schema,
    site: { name: site.name, languages: ['fr', 'en', 'ar'], origin: site.origin },
    timeBucketSeconds: 3600,
    retentionDays: 365,
    inboxes: INBOXES.map((i) => ({ id: i.id, name: i.name, names: i.names, kind: i.kind, members: i.members.map(member) })),
    categories: [
      {
        id: 'point-de-deal',
        labels: { fr: 'Point de deal', en: 'Drug dealing spot', ar: 'مكان بيع المخدرات' },
        hints: {
          fr: 'Où, quand, combien de personnes, quels signes (guetteurs, allées et venues).',
          en: 'Where, when, how many people, what signs (lookouts, comings and goings).',
          ar: 'أين، متى، كم شخصًا، وما العلامات (مراقبون، ذهاب وإياب).',
        },
        inboxes: ['police-stup', 'mairie-prevention'],
      },
      {
        id: 'recrutement-mineurs',
        labels: { fr: 'Recrutement de mineurs', en: 'Recruitment of minors', ar: 'تجنيد القاصرين' },
        hints: {
          fr: 'Ce que vous avez vu, sans donner le nom des enfants si vous ne le connaissez pas avec certitude.',
          en: 'What you saw; do not name children unless you are sure.',
          ar: 'ما رأيته. لا تكتب اسم طفل إلا إذا كنت متأكدًا منه.',
        },
        inboxes: ['police-stup', 'protection-enfance'],
      },
      { id: 'armes', labels: { fr: 'Armes', en: 'Weapons', ar: 'أسلحة' }, inboxes: ['police-stup'] },
      {
        id: 'temoin-protege',
        kind: 'witness',
        labels: { fr: 'Je veux témoigner sous protection', en: 'I want to testify under protection', ar: 'أريد أن أشهد تحت الحماية' },
        testimony: ['police-stup'],
        identity: ['garde-temoins'],
      },
    ],
    auditors: AUDITORS.map(member),
    log: { origin: site.logOrigin, publicKey: 'keys/log.pub' },
  };
}
