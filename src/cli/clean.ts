// `relais clean FILE --out CLEANED`: removes a file's embedded metadata with the same strippers as
// the resident's browser (DESIGN promise 3), for staff who pass evidence on and for tests. Prints
// what was removed; a file that cannot be cleaned is refused with the strippers' explanation and a
// non-zero exit, and nothing is written.

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { type CleanResult, cleanFile, removedLabel, StripError } from '../core/strip/index.ts';
import { parse, required, say, UsageError, help } from './args.ts';

const USAGE = `relais clean FILE --out CLEANED [--lang en|fr]

Removes the metadata hidden in a photo (JPEG, PNG, WebP), a PDF or an Office document (docx, xlsx,
pptx): GPS position, camera, dates, authors, comments, thumbnails, editing history. Writes the
cleaned file to CLEANED and prints what was removed. Exits with 1, writing nothing, for a file it
cannot clean (videos, HEIC and other picture formats that need converting, damaged files).`;

export async function cleanCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { out: { type: 'string', short: 'o' }, lang: { type: 'string' } }, USAGE, 1);
  if (values.help) return help(USAGE);
  if (positionals.length !== 1) throw new UsageError(`give exactly one FILE\n\n${USAGE}`);
  const input = positionals[0] as string;
  const out = required(values.out, 'out', USAGE);
  if (values.lang !== undefined && values.lang !== 'fr' && values.lang !== 'en') throw new UsageError(`--lang is en or fr\n\n${USAGE}`);
  const lang = values.lang === 'fr' ? 'fr' : 'en';

  let result: CleanResult;
  try {
    result = await cleanFile(new Uint8Array(readFileSync(input)));
  } catch (e) {
    if (!(e instanceof StripError)) throw e;
    // The strippers' own words for this case promise a conversion, which only the browser does.
    const why =
      e.code !== 'needs_reencode'
        ? lang === 'fr'
          ? e.messageFr
          : e.message
        : lang === 'fr'
          ? 'ce format d’image garde des informations cachées que nous ne pouvons pas retirer directement, et relais clean ne convertit pas les images : convertissez-la en JPEG (ou faites une capture d’écran), puis nettoyez le JPEG.'
          : 'this picture format keeps hidden information that cannot be removed directly, and relais clean does not convert pictures: convert it to JPEG (or take a screenshot), then clean the JPEG.';
    say(`${input}: ${lang === 'fr' ? 'refusé' : 'refused'} (${e.code}): ${why}`);
    return 1;
  }
  // Written beside the target, then renamed: a half-written file is never left under its name.
  const partial = `${out}.partial`;
  writeFileSync(partial, result.bytes, { mode: 0o600 });
  renameSync(partial, out);
  const labels = result.removed.map((c) => removedLabel(c, lang));
  const heading = lang === 'fr' ? 'retiré :' : 'removed:';
  process.stdout.write(
    labels.length > 0 ? `${heading} ${labels.join(', ')}\n` : `${lang === 'fr' ? 'aucune métadonnée trouvée' : 'no metadata found'}\n`,
  );
  say(`${out}: ${result.mime}, ${result.bytes.length} bytes`);
  return 0;
}
