// The plain text an officer reads for a tip (DESIGN "Flows: Tip"): the form's fields under their
// labels, in the officers' language (the site's first), built the same way by the browser and by
// the server's no-JavaScript path.

export interface ReportLabels {
  category: string;
  what: string;
  where: string;
  when: string;
}

export interface ReportFields {
  category: string;
  what: string;
  where?: string;
  when?: string;
}

export function composeReportText(labels: ReportLabels, fields: ReportFields): string {
  const lines = [`${labels.category} : ${fields.category}`, '', `${labels.what} :`, fields.what.trim()];
  if (fields.where?.trim()) lines.push('', `${labels.where} : ${fields.where.trim()}`);
  if (fields.when?.trim()) lines.push('', `${labels.when} : ${fields.when.trim()}`);
  return `${lines.join('\n')}\n`;
}
