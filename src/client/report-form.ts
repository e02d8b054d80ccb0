// The multipart body of a sealed report, and of any list of sealed parts (DESIGN "Flows: Tip"),
// and the header carrying a report's solved proof of work, which the server checks before it
// reads the body (DESIGN promise 10). No cryptography here, so the resident's page can build the
// request without loading OpenPGP.js on its main thread.

export interface SealedReport {
  category: string;
  configHash: string;
  roles: string[];
  parts: Uint8Array[];
  /** lookup key and reply key, if the resident can come back */
  followUp: { lookupKey: string; publicKey: string; lockedKey: string } | null;
}

export function sealedPartsForm(meta: Record<string, unknown>, parts: Uint8Array[]): FormData {
  const form = new FormData();
  form.set('meta', JSON.stringify(meta));
  // The part's name in the multipart body is fixed: no file name of the resident's goes out.
  parts.forEach((bytes, i) =>
    form.set(`part-${i}`, new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }), 'sealed'),
  );
  return form;
}

/** The `Relais-Pow` header: `<challenge>:<counter>`, the very string the proof of work hashes. */
export function powHeader(pow: { challenge: string; counter: number }): Record<string, string> {
  return { 'Relais-Pow': `${pow.challenge}:${pow.counter}` };
}

/** The body of a report; its proof of work goes in the header (powHeader). */
export function reportForm(report: SealedReport): FormData {
  return sealedPartsForm(
    {
      category: report.category,
      configHash: report.configHash,
      parts: report.roles,
      ...(report.followUp ? { followUp: report.followUp } : {}),
    },
    report.parts,
  );
}
