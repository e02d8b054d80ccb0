// The custodians' record of a witness (issue 15 §5; DESIGN promise 6): mark the witness as
// contacted, write a note sealed to exactly the custodians of that witness (the members of its
// custody inboxes), list them and fetch one. Custodians of that witness only; anyone else gets
// the 404 of a witness that does not exist. Every step is logged, each write in its own batch, and
// so is every refused attempt (the logRefusals middleware of witness.ts, mounted on the same
// prefix, covers these routes too).

import { Hono } from 'hono';
import { z } from 'zod';
import { WITNESS_NUMBER_PATTERN } from '../core/witness-number.ts';
import { requireStaff } from '../server/auth.ts';
import type { Env, Relais } from '../server/context.ts';
import { custodiansOf, isCustodianOf } from '../server/disclosure-checks.ts';
import { ApiError } from '../server/http.ts';
import { readSealedForm } from '../server/sealed-form.ts';
import { expectedMembers, maxSealedSize, sealedPartsPlan } from '../server/sealed-parts.ts';

const NoteMeta = z.object({ parts: z.tuple([z.literal('note')]) }).strict();

export function custodyNoteRoutes(relais: Relais): Hono<Env> {
  const app = new Hono<Env>();
  const custodian = requireStaff(relais, ['custodian']);
  const { limits } = relais.config.config;

  /** The witness's report, if the member is one of its custodians; 404 otherwise. */
  async function witnessRef(number: string, member: Parameters<typeof isCustodianOf>[0]): Promise<string> {
    const ref = WITNESS_NUMBER_PATTERN.test(number) ? await relais.store.witnesses.refOf(number) : null;
    if (!ref || !isCustodianOf(member, await relais.store.reports.routes(ref, 'identity')))
      throw new ApiError(404, 'not_found', 'No such witness.');
    return ref;
  }

  app.get('/:number/notes', custodian, async (c) => {
    const number = c.req.param('number');
    const { member } = c.get('staff');
    const ref = await witnessRef(number, member);
    const notes = await relais.store.custodyNotes.list(number);
    await relais.audit.append({ action: 'witness.notes.list', actor: `member:${member.id}`, report: ref, details: { witness: number } });
    return c.json({ notes });
  });

  app.get('/:number/notes/:idx', custodian, async (c) => {
    const number = c.req.param('number');
    const { member } = c.get('staff');
    const ref = await witnessRef(number, member);
    const idx = c.req.param('idx');
    const data = /^[0-9]{1,6}$/.test(idx) ? await relais.store.custodyNotes.data(number, Number(idx)) : null;
    if (!data) throw new ApiError(404, 'not_found', 'No such note.');
    await relais.audit.append({
      action: 'witness.note.read',
      actor: `member:${member.id}`,
      report: ref,
      details: { witness: number, note: Number(idx) },
    });
    return c.body(data as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/octet-stream' });
  });

  app.post('/:number/contacted', custodian, async (c) => {
    const number = c.req.param('number');
    const { member } = c.get('staff');
    const ref = await witnessRef(number, member);
    // A note refers to the witness number: a request still staged moves to the main tables first.
    await relais.store.settle(ref);
    await relais.store.batch([
      relais.store.custodyNotes.appendStatement(number, member.id, 'contacted', Math.floor(relais.clock() / 1000), null),
      relais.audit.statement({ action: 'witness.contacted', actor: `member:${member.id}`, report: ref, details: { witness: number } }),
    ]);
    return c.json({ ok: true }, 201);
  });

  app.post('/:number/notes', custodian, async (c) => {
    const number = c.req.param('number');
    const { member } = c.get('staff');
    const ref = await witnessRef(number, member);
    const { parts } = await readSealedForm(c, relais, NoteMeta, {
      maxBody: maxSealedSize(limits.maxTextBytes, 64) + 16 * 1024,
      tooLarge: 'The note is larger than allowed.',
      plan: async () => {
        const custodians = expectedMembers(await custodiansOf(relais, ref));
        const maxBytes = () => maxSealedSize(limits.maxTextBytes, custodians.length);
        return sealedPartsPlan(maxBytes, () => custodians);
      },
    });
    await relais.store.settle(ref);
    await relais.store.batch([
      relais.store.custodyNotes.appendStatement(number, member.id, 'note', Math.floor(relais.clock() / 1000), parts[0] as Uint8Array),
      relais.audit.statement({ action: 'witness.note', actor: `member:${member.id}`, report: ref, details: { witness: number } }),
    ]);
    return c.json({ ok: true }, 201);
  });

  return app;
}
