// StripError: why a file could not be cleaned, in plain words for the resident, in English
// (message) and French (messageFr). Keeps DESIGN promise 3: a file that cannot be cleaned is
// refused or converted, never sent as it is.

export type StripErrorCode = 'unsupported_type' | 'needs_reencode' | 'malformed' | 'too_large';

export class StripError extends Error {
  override readonly name = 'StripError';
  readonly code: StripErrorCode;
  /** The same explanation in French, for the resident form (French first). */
  readonly messageFr: string;

  constructor(code: StripErrorCode, message: string, messageFr: string) {
    super(message);
    this.code = code;
    this.messageFr = messageFr;
  }
}

/** A damaged or cut-off file: we cannot tell what it hides, so we refuse it. */
export function malformed(kind: string, why: string): StripError {
  return new StripError(
    'malformed',
    `This ${kind} file looks damaged or incomplete (${why}), so we cannot safely remove the ` +
      `information hidden inside it. Open it on your device and take a screenshot, or export ` +
      `it again, then attach the new file.`,
    `Ce fichier ${kind} semble abîmé ou incomplet (${why}) : nous ne pouvons pas en retirer ` +
      `sans risque les informations cachées. Ouvrez-le sur votre appareil et faites une capture ` +
      `d'écran, ou exportez-le à nouveau, puis joignez le nouveau fichier.`,
  );
}
