// The plain texts of a witness request (DESIGN promise 6): the identity part the witness writes
// (name, how and when it is safe to be contacted, who must not learn of it), built the same way
// by the browser, the CLI and the no-JavaScript path; and the disclosure text a custodian re-seals
// to investigators: a header naming the witness number, the report, the target inbox, the legal
// basis and the magistrate's decision, then the identity exactly as the witness wrote it. It is
// plain text so that `gpg --decrypt` shows it readably, and it is only ever sealed.

export interface IdentityLabels {
  name: string;
  contact: string;
  when: string;
  avoid: string;
  status: string;
}

export interface IdentityFields {
  name: string;
  contact: string;
  when?: string;
  avoid?: string;
  /** the status the witness asks for, already as text in the officers' language */
  status?: string;
}

export function composeIdentityText(labels: IdentityLabels, fields: IdentityFields): string {
  const lines = [`${labels.name} : ${fields.name.trim()}`, '', `${labels.contact} :`, fields.contact.trim()];
  if (fields.when?.trim()) lines.push('', `${labels.when} :`, fields.when.trim());
  if (fields.avoid?.trim()) lines.push('', `${labels.avoid} :`, fields.avoid.trim());
  if (fields.status?.trim()) lines.push('', `${labels.status} : ${fields.status.trim()}`);
  return `${lines.join('\n')}\n`;
}

export interface DisclosureText {
  witness: string;
  report: string;
  /** the investigator inbox it is disclosed to */
  inbox: string;
  /** the legal basis, e.g. "art. 706-60 CPP" */
  basis: string;
  /** the reference of the magistrate's decision */
  decision: string;
  /** the witness's identity part, byte for byte */
  identity: string;
}

const MAGIC = 'Relais-Disclosure: 1';
export const JUSTIFICATION_MAX = 300;

/** One line of at most 300 characters, without control characters; null if not acceptable. */
export function justificationLine(text: string): string | null {
  const line = text.trim();
  if (!line || line.length > JUSTIFICATION_MAX || /[\u0000-\u001f\u007f]/.test(line)) return null;
  return line;
}

export function composeDisclosureText(d: DisclosureText): string {
  const basis = justificationLine(d.basis);
  const decision = justificationLine(d.decision);
  if (!basis || !decision) throw new Error('the legal basis and the decision reference are one line each, at most 300 characters');
  return `${MAGIC}\nWitness: ${d.witness}\nReport: ${d.report}\nTo: ${d.inbox}\nLegal-Basis: ${basis}\nDecision: ${decision}\n\n${d.identity}`;
}

export function parseDisclosureText(text: string): DisclosureText | null {
  const end = text.indexOf('\n\n');
  if (end < 0) return null;
  const lines = text.slice(0, end).split('\n');
  if (lines[0] !== MAGIC) return null;
  const fields = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const m = /^([A-Za-z-]+): (.*)$/.exec(line);
    if (!m || fields.has(m[1] as string)) return null;
    fields.set(m[1] as string, m[2] as string);
  }
  const get = (k: string) => fields.get(k);
  const [witness, report, inbox, basis, decision] = [get('Witness'), get('Report'), get('To'), get('Legal-Basis'), get('Decision')];
  if (!witness || !report || !inbox || !basis || !decision || fields.size !== 5) return null;
  return { witness, report, inbox, basis, decision, identity: text.slice(end + 2) };
}
