// `relais clean` on every file of the shared metadata corpus (DESIGN promise 3): what it writes
// carries nothing identifying for exiftool, it says what it removed, and what it cannot clean
// (HEIC, video) is refused with the reason and a non-zero exit, writing nothing.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { relais } from '../helpers/cli.ts';
import { CORPUS, corpusFiles, exiftool, leaks } from '../strip/helpers.ts';
import { tempDir } from '../helpers/temp.ts';

const out = tempDir('relais-clean-');
const REFUSED: Record<string, RegExp> = {
  'exif-samples-iphone_13_pro_max.HEIC': /refused \(needs_reencode\): this picture format .*convert it to JPEG/,
  'exiftool-QuickTime.heic': /refused \(needs_reencode\): this picture format .*convert it to JPEG/,
  'exiftool-QuickTime.mov': /refused \(unsupported_type\): Videos and sound recordings cannot be sent/,
};
const ext = (name: string) => name.split('.').pop()!.toLowerCase();

describe('relais clean', () => {
  it('cleans every corpus file it can, so that exiftool finds nothing identifying, and refuses the others', async () => {
    const names = corpusFiles();
    expect(names.length).toBeGreaterThan(10);
    // One process a file, run together: each is a real `relais` command.
    const runs = await Promise.all(names.map((name, i) => relais(['clean', join(CORPUS, name), '--out', join(out, `${i}.${ext(name)}`)])));
    names.forEach((name, i) => {
      const run = runs[i]!;
      const target = join(out, `${i}.${ext(name)}`);
      const refused = REFUSED[name];
      if (refused) {
        expect(run.code, name).toBe(1);
        expect(run.stderr, name).toMatch(refused);
        expect(existsSync(target), name).toBe(false);
        return;
      }
      expect(run.code, `${name}: ${run.stderr}`).toBe(0);
      expect(run.stdout, name).toMatch(/^removed: .+\n$/);
      const original = readFileSync(join(CORPUS, name));
      expect(leaks(exiftool(original, ext(name))).length, name).toBeGreaterThan(0); // the check can fail
      expect(leaks(exiftool(readFileSync(target), ext(name))), name).toEqual([]);
    });
  });

  it('says what it removed from a photo with GPS, in French when asked', async () => {
    const target = join(out, 'fr.jpg');
    const run = await relais(['clean', join(CORPUS, 'exif-samples-DSCN0010.jpg'), '--out', target, '--lang', 'fr']);
    expect(run.code, run.stderr).toBe(0);
    for (const said of ['position GPS', "modèle de l'appareil", 'date de prise de vue']) expect(run.stdout).toContain(said);
    expect(run.stdout).toMatch(/^retiré : /);
  });

  it('refuses a file that is not one it knows, and wrong usage', async () => {
    const notes = await relais(['clean', join(CORPUS, 'README.md'), '--out', join(out, 'readme')]);
    expect(notes.code).toBe(1);
    expect(notes.stderr).toContain('refused (unsupported_type)');
    expect(existsSync(join(out, 'readme'))).toBe(false);
    expect((await relais(['clean', join(CORPUS, 'exiftool-GPS.jpg')])).code).toBe(2);
    expect((await relais(['clean', '--out', join(out, 'x.jpg')])).code).toBe(2);
  });
});
