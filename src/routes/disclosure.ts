// Disclosure of a witness's identity (DESIGN promise 6, "Flows: Witness request"): custodian A
// re-seals the identity to one police inbox with its justification (inside the sealed text) and a
// review copy for the custodians; custodian B, never A, approves or refuses; only then can that
// inbox fetch it; until it is fetched it can be withdrawn. Every step and its audit entry are one
// batch that the database refuses if the step is not allowed (src/store/disclosures.ts), so two
// racing requests cannot both win. Investigators see nothing of a disclosure before approval.
// Lists and details are logged before they are served, and every refused attempt is logged as
// `staff.refused` (src/server/staff-log.ts).

import { Hono } from 'hono';
import { z } from 'zod';
import type { ResolvedMember } from '../config/resolve.ts';
import { randomBytes } from '../core/bytes.ts';
import { REPORT_REF_PATTERN } from '../core/refs.ts';
import { DISCLOSURE_ID_PATTERN, newDisclosureId, WITNESS_NUMBER_PATTERN } from '../core/witness-number.ts';
import { encryptedDigest } from '../core/witness-seal.ts';
import { ConstraintError } from '../store/driver.ts';
import type { DisclosureAction, DisclosureRecord, DisclosureState } from '../store/disclosures.ts';
import { requireStaff } from '../server/auth.ts';
import type { Env, Relais } from '../server/context.ts';
import {
  checkDisclosureParts,
  custodiansOf,
  disclosureTargets,
  isCustodianOf,
  maxDisclosurePart,
  stateRefusal,
  stillSealedToInbox,
} from '../server/disclosure-checks.ts';
import { ApiError } from '../server/http.ts';
import { readSealedForm } from '../server/sealed-form.ts';
import type { ExpectedRecipient } from '../core/recipients.ts';
import { expectedMembers, membersOf, sealedPartsPlan } from '../server/sealed-parts.ts';
import { readJson } from '../server/bodies.ts';
import { logRefusals, staffRead } from '../server/staff-log.ts';

const RequestMeta = z
  .object({
    witness: z.string().regex(WITNESS_NUMBER_PATTERN),
    inbox: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
    parts: z.tuple([z.literal('disclosure'), z.literal('review')]),
  })
  .strict();
const ListQuery = z
  .object({
    ref: z.string().regex(REPORT_REF_PATTERN).optional(),
    witness: z.string().regex(WITNESS_NUMBER_PATTERN).optional(),
    state: z.enum(['pending', 'approved', 'refused', 'withdrawn', 'fetched']).optional(),
  })
  .strict();
const Approve = z.object({ encryptedSha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict();
const Empty = z.object({}).strict();

export function disclosureView(relais: Relais, d: DisclosureRecord) {
  return {
    id: d.id,
    witness: d.witness,
    ref: d.ref,
    inbox: d.inboxId,
    inboxName: relais.config.inboxes.get(d.inboxId)?.name ?? d.inboxId,
    requestedBy: d.requestedBy,
    requestedAt: d.requestedAt,
    state: d.state,
    encryptedSha256: d.encryptedSha256,
    size: d.size,
    events: d.events.map((e) => ({ action: e.action, member: e.memberId, at: e.at })),
  };
}

export function disclosureRoutes(relais: Relais): Hono<Env> {
  const app = new Hono<Env>();
  const staff = requireStaff(relais, ['officer', 'custodian']);
  const custodian = requireStaff(relais, ['custodian']);
  const officer = requireStaff(relais, ['officer']);
  app.use('*', logRefusals(relais));
  const seconds = () => Math.floor(relais.clock() / 1000);
  const actor = (m: ResolvedMember) => `member:${m.id}`;

  const find = async (id: string): Promise<DisclosureRecord> => {
    const d = DISCLOSURE_ID_PATTERN.test(id) ? await relais.store.disclosures.get(id) : null;
    if (!d) throw new ApiError(404, 'not_found', 'No such disclosure.');
    return d;
  };
  /** A disclosure this custodian holds the witness of; anything else answers like a missing one. */
  const forCustodian = async (id: string, member: ResolvedMember): Promise<DisclosureRecord> => {
    const d = await find(id);
    if (!isCustodianOf(member, await relais.store.reports.routes(d.ref, 'identity')))
      throw new ApiError(404, 'not_found', 'No such disclosure.');
    return d;
  };
  const investigatorSees = (member: ResolvedMember, d: DisclosureRecord) =>
    member.roles.includes('officer') && member.inboxes.includes(d.inboxId) && (d.state === 'approved' || d.state === 'fetched');

  const maxPart = maxDisclosurePart(relais, 64);
  app.post('/', custodian, async (c) => {
    const { member } = c.get('staff');
    let ref = '';
    let investigators: ResolvedMember[] = [];
    let custodians: ResolvedMember[] = [];
    const { meta, parts } = await readSealedForm(c, relais, RequestMeta, {
      maxBody: 2 * maxPart + 32 * 1024,
      tooLarge: 'The request body is too large.',
      plan: async (meta) => {
        ref = (await relais.store.witnesses.refOf(meta.witness)) ?? '';
        const identityInboxes = ref ? await relais.store.reports.routes(ref, 'identity') : [];
        if (!ref || !isCustodianOf(member, identityInboxes)) throw new ApiError(404, 'not_found', 'No such witness.');
        if (!(await disclosureTargets(relais, ref)).includes(meta.inbox)) {
          throw new ApiError(
            422,
            'disclosure_target_invalid',
            'An identity is disclosed only to a police inbox that received this testimony.',
          );
        }
        if (member.inboxes.includes(meta.inbox))
          throw new ApiError(403, 'disclosure_conflict', 'You are a member of that inbox: another custodian must ask.');
        investigators = membersOf(relais.config, [meta.inbox]).members;
        custodians = await custodiansOf(relais, ref);
        const expected = [expectedMembers(investigators), expectedMembers(custodians)];
        return sealedPartsPlan(
          () => maxPart,
          (i) => expected[i] as ExpectedRecipient[],
        );
      },
    });
    const [sealed, review] = parts as [Uint8Array, Uint8Array];
    checkDisclosureParts(relais, sealed, review, investigators, custodians);
    const id = newDisclosureId(randomBytes);
    const encryptedSha256 = encryptedDigest(sealed);
    // A disclosure refers to the witness number: a staged request moves to the main tables first.
    await relais.store.settle(ref);
    try {
      await relais.store.batch([
        relais.store.disclosures.createStatement({
          id,
          witness: meta.witness,
          inboxId: meta.inbox,
          requestedBy: member.id,
          requestedAt: seconds(),
          encryptedSha256,
          sealed,
          review,
        }),
        relais.audit.statement({
          action: 'disclosure.requested',
          actor: actor(member),
          report: ref,
          inbox: meta.inbox,
          details: { witness: meta.witness, disclosure: id, encryptedSha256 },
        }),
      ]);
    } catch (e) {
      if (e instanceof ConstraintError)
        throw new ApiError(409, 'disclosure_open', 'A disclosure of this witness to this inbox is already pending or approved.');
      throw e;
    }
    return c.json({ id, encryptedSha256 }, 201);
  });

  app.get('/', staff, async (c) => {
    const parsed = ListQuery.safeParse(c.req.query());
    if (!parsed.success) throw new ApiError(400, 'bad_query', 'The query parameters are not valid.');
    const { member } = c.get('staff');
    const custody = member.roles.includes('custodian') ? await relais.store.disclosures.listForCustody(member.inboxes, parsed.data) : [];
    const seen = new Set(custody.map((d) => d.id));
    const investigated = member.roles.includes('officer')
      ? (await relais.store.disclosures.listForInboxes(member.inboxes, parsed.data)).filter((d) => !seen.has(d.id))
      : [];
    const all = [...custody, ...investigated];
    await staffRead(relais, c, {
      action: 'disclosure.list',
      details: { ...parsed.data, disclosures: all.map((d) => d.id) },
    });
    return c.json({ disclosures: all.map((d) => disclosureView(relais, d)) });
  });

  app.get('/:id', staff, async (c) => {
    const { member } = c.get('staff');
    const d = await find(c.req.param('id'));
    const custody = isCustodianOf(member, await relais.store.reports.routes(d.ref, 'identity'));
    if (!custody && !investigatorSees(member, d)) throw new ApiError(404, 'not_found', 'No such disclosure.');
    await staffRead(relais, c, {
      action: 'disclosure.detail',
      report: d.ref,
      inbox: d.inboxId,
      details: { witness: d.witness, disclosure: d.id, state: d.state },
    });
    return c.json(disclosureView(relais, d));
  });

  // The custodians' copy: what the investigators would read, for the second custodian's review.
  app.get('/:id/review', custodian, async (c) => {
    const { member } = c.get('staff');
    const d = await forCustodian(c.req.param('id'), member);
    const bytes = await relais.store.disclosures.reviewBytes(d.id);
    if (!bytes) throw new ApiError(404, 'not_found', 'No such disclosure.');
    await relais.store.batch([
      relais.audit.statement({
        action: 'witness.identity.read',
        actor: actor(member),
        report: d.ref,
        details: { witness: d.witness, disclosure: d.id },
      }),
    ]);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/octet-stream' });
  });

  // The investigators' copy, once approved; each fetch is a step and an audit entry, before the bytes go.
  app.get('/:id/identity', officer, async (c) => {
    const { member } = c.get('staff');
    const d = await find(c.req.param('id'));
    if (!investigatorSees(member, d)) throw new ApiError(404, 'not_found', 'No such disclosure.');
    const bytes = await relais.store.disclosures.sealedBytes(d.id);
    if (!bytes) throw new ApiError(404, 'not_found', 'No such disclosure.');
    try {
      await relais.store.batch([
        relais.store.disclosures.eventStatement(d.id, 'fetched', member.id, seconds()),
        relais.audit.statement({
          action: 'disclosure.fetched',
          actor: actor(member),
          report: d.ref,
          inbox: d.inboxId,
          details: { witness: d.witness, disclosure: d.id, encryptedSha256: d.encryptedSha256 },
        }),
      ]);
    } catch (e) {
      // Withdrawn between the read and the fetch: the database refused the step.
      if (e instanceof ConstraintError) throw new ApiError(404, 'not_found', 'No such disclosure.');
      throw e;
    }
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/octet-stream' });
  });

  const step = (
    action: Exclude<DisclosureAction, 'fetched'>,
    auditAction: 'disclosure.approved' | 'disclosure.refused' | 'disclosure.withdrawn',
  ) =>
    app.post(`/:id/${action === 'approved' ? 'approve' : action === 'refused' ? 'refuse' : 'withdraw'}`, custodian, async (c) => {
      const { member } = c.get('staff');
      const d = await forCustodian(c.req.param('id'), member);
      const body = action === 'approved' ? await readJson(c, relais, Approve) : await readJson(c, relais, Empty);
      const deciding = action !== 'withdrawn';
      if (deciding && d.requestedBy === member.id)
        throw new ApiError(403, 'disclosure_own_request', 'A second, different custodian must decide on this request.');
      const open: DisclosureState[] = deciding ? ['pending'] : ['pending', 'approved'];
      if (!open.includes(d.state)) throw stateRefusal(d, deciding ? 'decide' : 'withdraw');
      if (action === 'approved') {
        if (member.inboxes.includes(d.inboxId))
          throw new ApiError(403, 'disclosure_conflict', 'You are a member of that inbox: another custodian must decide.');
        if ('encryptedSha256' in body && body.encryptedSha256 !== d.encryptedSha256)
          throw new ApiError(409, 'disclosure_changed', 'This is not the disclosure you reviewed.');
        const sealed = await relais.store.disclosures.sealedBytes(d.id);
        if (!sealed || !stillSealedToInbox(relais, sealed, d.inboxId))
          throw new ApiError(409, 'disclosure_stale', 'The inbox’s members have changed since the request: ask again.');
      }
      try {
        await relais.store.batch([
          relais.store.disclosures.eventStatement(d.id, action, member.id, seconds()),
          relais.audit.statement({
            action: auditAction,
            actor: actor(member),
            report: d.ref,
            inbox: d.inboxId,
            details: { witness: d.witness, disclosure: d.id, encryptedSha256: d.encryptedSha256 },
          }),
        ]);
      } catch (e) {
        // Another step won the race; the database refused this one. Say what happened.
        if (!(e instanceof ConstraintError)) throw e;
        throw stateRefusal((await relais.store.disclosures.get(d.id)) ?? d, deciding ? 'decide' : 'withdraw');
      }
      return c.json({ id: d.id, state: action });
    });
  step('approved', 'disclosure.approved');
  step('refused', 'disclosure.refused');
  step('withdrawn', 'disclosure.withdrawn');

  return app;
}
