// The refusals for types we do not clean, in plain words with what to do instead (DESIGN
// promise 3: "a file type that cannot be cleaned is refused or converted").
import { StripError } from './errors.ts';

/** Still images a browser can decode and re-encode as JPEG on a canvas, dropping metadata. */
const REENCODABLE = new Set(['image/heic', 'image/heif', 'image/avif', 'image/tiff', 'image/gif', 'image/bmp', 'image/jxl']);

export function refusalFor(mime: string | null): StripError {
  if (mime !== null && REENCODABLE.has(mime)) {
    return new StripError(
      'needs_reencode',
      `This picture format (${mime}) keeps hidden information that cannot be removed from the file ` +
        `itself: it has to become a plain JPEG picture first. The web form does that where the ` +
        `browser can read the format; otherwise save the photo as JPEG or take a screenshot of it.`,
      `Ce format d'image (${mime}) garde des informations cachées qu'on ne peut pas retirer du ` +
        `fichier lui-même : il faut d'abord en faire une simple image JPEG. Le formulaire web le fait ` +
        `quand le navigateur sait lire ce format ; sinon, enregistrez la photo en JPEG ou faites-en ` +
        `une capture d'écran.`,
      'needs_reencode',
      { format: mime },
    );
  }
  if (mime !== null && (mime.startsWith('video/') || mime.startsWith('audio/'))) {
    return new StripError(
      'unsupported_type',
      'Videos and sound recordings cannot be sent: they carry hidden information (place, device, ' +
        'date) that we cannot remove safely. Take screenshots of the important moments, or describe ' +
        'what you saw or heard in your message.',
      'Les vidéos et enregistrements sonores ne peuvent pas être envoyés : ils contiennent des ' +
        'informations cachées (lieu, appareil, date) que nous ne pouvons pas retirer sans risque. ' +
        "Faites des captures d'écran des moments importants, ou décrivez ce que vous avez vu ou " +
        'entendu dans votre message.',
      'video_sound',
    );
  }
  if (mime === 'application/zip' || mime === 'application/x-ole-storage') {
    return new StripError(
      'unsupported_type',
      'This kind of document or archive cannot be cleaned of its hidden information (author, ' +
        'history). Open it and export it as PDF, or take screenshots, then attach those.',
      "Ce type de document ou d'archive ne peut pas être nettoyé de ses informations cachées " +
        "(auteur, historique). Ouvrez-le et exportez-le en PDF, ou faites des captures d'écran, " +
        'puis joignez-les.',
      'archive',
    );
  }
  return new StripError(
    'unsupported_type',
    'This type of file is not accepted, because we cannot check it for hidden information. ' +
      'Send a photo (JPEG, PNG, WebP), a PDF or a Word, Excel or PowerPoint document; for anything ' +
      'else, take a screenshot or export it as PDF.',
    "Ce type de fichier n'est pas accepté, car nous ne pouvons pas vérifier les informations " +
      "cachées qu'il contient. Envoyez une photo (JPEG, PNG, WebP), un PDF ou un document Word, " +
      "Excel ou PowerPoint ; pour tout autre fichier, faites une capture d'écran ou exportez-le en PDF.",
    'unknown_type',
  );
}
