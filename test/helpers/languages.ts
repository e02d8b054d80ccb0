// A test config in the resident pages' three languages: French first, English, Arabic, with every
// category label and inbox name translated (test/helpers/fixture.ts makeFixture `patch`).

/** Arabic labels and names for the default fixture's categories and inboxes. */
export const ARABIC = {
  labels: { trafic: 'مكان بيع المخدرات', armes: 'أسلحة', prevention: 'وقاية', temoin: 'الشهادة تحت الحماية' } as Record<string, string>,
  names: { police: 'الشرطة — المخدرات', city: 'البلدية — الوقاية', custody: 'حماية الشهود' } as Record<string, string>,
};
export const ENGLISH_NAMES: Record<string, string> = {
  police: 'Police — drugs',
  city: 'City hall — prevention',
  custody: 'Witness custody',
};

export function threeLanguages(json: Record<string, any>): void {
  json.site.languages = ['fr', 'en', 'ar'];
  // copies: the fixture's categories are shared by every fixture of the process
  json.categories = json.categories.map((c: { id: string; labels: Record<string, string> }) => ({
    ...c,
    labels: { ...c.labels, ar: ARABIC.labels[c.id] },
  }));
  json.inboxes = json.inboxes.map((i: { id: string }) => ({ ...i, names: { en: ENGLISH_NAMES[i.id], ar: ARABIC.names[i.id] } }));
}
