// StripError: why a file could not be cleaned, in plain words, in English (message) and French
// (messageFr) for the CLI, and as a stable reason with its values (reason, params) that the
// resident pages put in words in the page's language (web/i18n `strip.<reason>`). Keeps DESIGN
// promise 3: a file that cannot be cleaned is refused or converted, never sent as it is.

export type StripErrorCode = 'unsupported_type' | 'needs_reencode' | 'malformed' | 'too_large';

/** Why, finer than the code: one message of the resident catalogues each. */
export const STRIP_REASONS = [
  'too_large',
  'malformed',
  'needs_reencode',
  'video_sound',
  'archive',
  'unknown_type',
  'pdf_encrypted',
  'password',
  'embedded_object',
  'macros',
] as const;
export type StripReason = (typeof STRIP_REASONS)[number];

export class StripError extends Error {
  override readonly name = 'StripError';
  readonly code: StripErrorCode;
  /** The same explanation in French, for `relais clean --lang fr`. */
  readonly messageFr: string;
  readonly reason: StripReason;
  /** the values the reason's message needs: `mb` (too_large), `kind` (malformed), `format` (needs_reencode) */
  readonly params: Record<string, string | number>;

  constructor(code: StripErrorCode, message: string, messageFr: string, reason: StripReason, params: Record<string, string | number> = {}) {
    super(message);
    this.code = code;
    this.messageFr = messageFr;
    this.reason = reason;
    this.params = params;
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
    'malformed',
    { kind },
  );
}
