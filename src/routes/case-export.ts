// The server's side of a case export (issue 15 §2, DESIGN "Flows: Case export"): an officer of an
// inbox that reads the report announces the export (logged as report.exported, before anything
// of it is assembled), and gets the report.received entry with its inclusion proof in the latest
// signed checkpoint, as a C2SP tlog-proof. The parts and messages come through the usual logged
// routes; the export itself is assembled and decrypted on the officer's machine
// (src/client/case-export.ts), never on the server.

import { Hono } from 'hono';
import { formatTlogProof } from '../core/tlog-proof.ts';
import { proveInclusion } from '../core/tlog/index.ts';
import { requireStaff } from '../server/auth.ts';
import type { Env, Relais } from '../server/context.ts';
import { ApiError } from '../server/http.ts';
import { checkRef } from './officer.ts';

export function caseExportRoutes(relais: Relais): Hono<Env> {
  const app = new Hono<Env>();
  const staff = requireStaff(relais, ['officer', 'custodian']);

  async function mainRef(ref: string, inboxes: string[]): Promise<void> {
    if (!(await relais.store.reports.audiences(ref, inboxes)).includes('main')) throw new ApiError(404, 'not_found', 'No such report.');
  }

  app.post('/:ref/export', staff, async (c) => {
    const ref = checkRef(c.req.param('ref'));
    const { member } = c.get('staff');
    await mainRef(ref, member.inboxes);
    await relais.audit.append({ action: 'report.exported', actor: `member:${member.id}`, report: ref });
    return c.json({ ok: true }, 201);
  });

  app.get('/:ref/proof', staff, async (c) => {
    const ref = checkRef(c.req.param('ref'));
    const { member } = c.get('staff');
    await mainRef(ref, member.inboxes);
    const index = await relais.store.reportList.receiptEntry(ref);
    const checkpoint = await relais.tlog.table.latestCheckpoint();
    if (index === null || !checkpoint || checkpoint.size <= index)
      throw new ApiError(
        409,
        'not_yet_logged',
        'The receipt of this report is not yet in a signed checkpoint: try again after its hour has closed.',
      );
    const [row] = await relais.store.audit.range(index, index + 1);
    if (!row) throw new ApiError(409, 'not_yet_logged', 'The receipt of this report is not yet in a signed checkpoint.');
    const proof = await proveInclusion(index, checkpoint.size, relais.tlog.table);
    await relais.audit.append({
      action: 'report.proof',
      actor: `member:${member.id}`,
      report: ref,
      details: { index, size: checkpoint.size },
    });
    return c.json({ index, entry: row.entry, proof: formatTlogProof({ index, proof, checkpoint: checkpoint.note }) });
  });

  return app;
}
