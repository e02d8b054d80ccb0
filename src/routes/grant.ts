// Members who come and go (issue 14, DESIGN "Flows: Members change"): a current member gives the
// current members access to a report's earlier parts and messages. Their client decrypts only the
// session keys, on their machine, and sends new key packets (PKESK); the server puts them in front
// of the part's stored encrypted packet, which stays byte for byte as it was (nothing is
// re-encrypted, and the server never sees a session key), and accepts them only if the recipients
// are then exactly the current members of the inboxes the report was routed to for that part —
// plus the resident's reply key for what was sealed to it; a witness's identity goes to the
// custodians only. The old key packets are dropped: members who left lose access through the new
// packets (not through a copy they kept). Each grant is one batch with its `report.grant` entry.

import { Hono } from 'hono';
import { z } from 'zod';
import type { ResolvedMember } from '../config/resolve.ts';
import { concatBytes, fromBase64 } from '../core/bytes.ts';
import { inspectSealedPart, PacketError } from '../core/openpgp-packets.ts';
import { checkRecipients, type ExpectedRecipient } from '../core/recipients.ts';
import type { Audience, GrantItem, GrantStatus } from '../core/wire.ts';
import { splitSealed } from '../core/witness-seal.ts';
import { requireStaff } from '../server/auth.ts';
import { readJson } from '../server/bodies.ts';
import type { Env, Relais } from '../server/context.ts';
import { ApiError } from '../server/http.ts';
import { logRefusals, staffRead } from '../server/staff-log.ts';
import { checkSealedPart, expectedMembers, expectedResident, membersOf } from '../server/sealed-parts.ts';
import { ConstraintError } from '../store/driver.ts';
import type { SealedRewrite } from '../store/reports.ts';
import { checkRef } from './officer.ts';

/** Items per grant request; a client sends a long conversation in several requests. */
export const GRANT_BATCH = 32;
/** Key packets of one item: a PKESK is at most ~600 bytes; 64 recipients are plenty. */
const KEY_PACKETS_MAX = 64 * 600;

const GrantRequest = z
  .object({
    items: z
      .array(
        z
          .object({
            target: z.enum(['part', 'message']),
            idx: z.number().int().min(0).max(999_999),
            keyPackets: z.string().max(Math.ceil((KEY_PACKETS_MAX * 4) / 3) + 4),
          })
          .strict(),
      )
      .min(1)
      .max(GRANT_BATCH),
  })
  .strict();

interface Stored {
  target: 'part' | 'message';
  idx: number;
  audience: Audience;
  bytes: Uint8Array;
}

export function grantRoutes(relais: Relais): Hono<Env> {
  const app = new Hono<Env>();
  const staff = requireStaff(relais, ['officer', 'custodian']);

  /** The audiences through which this member may grant on the report (404 if none). */
  async function audiencesOf(ref: string, member: ResolvedMember): Promise<Audience[]> {
    const audiences = await relais.store.reports.audiences(ref, member.inboxes);
    if (audiences.length === 0) throw new ApiError(404, 'not_found', 'No such report.');
    return audiences;
  }

  /** Every sealed object of the report in these audiences, with its stored bytes. */
  async function storedItems(ref: string, audiences: Audience[]): Promise<Stored[]> {
    const report = await relais.store.reports.get(ref);
    if (!report) throw new ApiError(404, 'not_found', 'No such report.');
    const out: Stored[] = [];
    for (const part of report.parts) {
      const audience: Audience = part.role === 'identity' ? 'identity' : 'main';
      if (!audiences.includes(audience)) continue;
      const bytes = await relais.store.reports.partBytes(ref, part.idx);
      if (bytes) out.push({ target: 'part', idx: part.idx, audience, bytes });
    }
    if (audiences.includes('main')) {
      for (const m of await relais.store.messages.list(ref, ['message', 'status', 'note', 'attachment'])) {
        const bytes = m.size > 0 ? (await relais.store.messages.get(ref, m.idx))?.bytes : null;
        if (bytes) out.push({ target: 'message', idx: m.idx, audience: 'main', bytes });
      }
    }
    return out;
  }

  /** Who an object must be sealed to now: the audience's current members, and the resident if it was for them. */
  async function expectedFor(
    ref: string,
    item: Stored,
    replyKey: string | null,
  ): Promise<{ expected: ExpectedRecipient[]; resident: boolean }> {
    const members = membersOf(relais.config, await relais.store.reports.routes(ref, item.audience)).members;
    const expected = expectedMembers(members);
    if (item.target === 'message' && replyKey) {
      const resident = await expectedResident(replyKey, new Date(relais.clock()));
      const sealedTo = splitSealed(item.bytes).keyPackets.map((p) => p.keyId);
      if (sealedTo.some((id) => resident.keyIds.has(id))) return { expected: [...expected, resident], resident: true };
    }
    return { expected, resident: false };
  }

  app.get('/:ref/grant', staff, logRefusals(relais), async (c) => {
    const ref = checkRef(c.req.param('ref'));
    const { member } = c.get('staff');
    const audiences = await audiencesOf(ref, member);
    const report = await relais.store.reports.get(ref);
    const replyKey = report?.replyPublicKey ?? null;
    const items: GrantItem[] = [];
    for (const item of await storedItems(ref, audiences)) {
      const { expected, resident } = await expectedFor(ref, item, replyKey);
      let current = false;
      try {
        current = checkRecipients(inspectSealedPart(item.bytes).recipients, expected) === null;
      } catch (e) {
        if (!(e instanceof PacketError)) throw e;
      }
      items.push({ target: item.target, idx: item.idx, audience: item.audience, resident, current });
    }
    const keys: GrantStatus['keys'] = {};
    const inboxes: string[] = [];
    for (const audience of audiences) {
      const routed = await relais.store.reports.routes(ref, audience);
      inboxes.push(...routed);
      keys[audience] = membersOf(relais.config, routed).members.map((m) => m.armored);
    }
    const status: GrantStatus = { ref, inboxes, items, keys, residentKey: items.some((i) => i.resident) ? replyKey : null };
    // A read of the report's metadata (who it is sealed to), logged before it is served.
    await staffRead(relais, c, { action: 'report.detail', report: ref, details: { audiences: [...audiences].sort(), grant: true } });
    return c.json(status);
  });

  app.post('/:ref/grant', staff, logRefusals(relais), async (c) => {
    const ref = checkRef(c.req.param('ref'));
    const { member } = c.get('staff');
    const audiences = await audiencesOf(ref, member);
    const body = await readJson(c, relais, GrantRequest, GRANT_BATCH * (KEY_PACKETS_MAX * 2) + 4096);
    const report = await relais.store.reports.get(ref);
    const stored = new Map((await storedItems(ref, audiences)).map((s) => [`${s.target}:${s.idx}`, s]));
    const seen = new Set<string>();
    const rewrites: { item: Stored; bytes: Uint8Array }[] = [];
    const recipients = new Set<string>();
    for (const [i, asked] of body.items.entries()) {
      const key = `${asked.target}:${asked.idx}`;
      if (seen.has(key)) throw new ApiError(400, 'bad_request', 'An item is listed twice.');
      seen.add(key);
      const item = stored.get(key);
      if (!item) throw new ApiError(404, 'not_found', 'No such part or message, or not one you may grant.', { item: i });
      let keyPackets: Uint8Array;
      try {
        keyPackets = fromBase64(asked.keyPackets);
      } catch {
        throw new ApiError(400, 'bad_request', 'The key packets are not base64.', { item: i });
      }
      // Only key packets: whatever follows them would not be the stored encrypted packet.
      let split: ReturnType<typeof splitSealed>;
      try {
        split = splitSealed(keyPackets);
      } catch {
        throw new ApiError(422, 'part_not_openpgp', 'The key packets are not OpenPGP key packets.', { item: i });
      }
      if (split.encrypted.length > 0 || split.keyPackets.length === 0)
        throw new ApiError(422, 'grant_not_key_packets', 'Send only key packets (PKESK), one or more.', { item: i });
      const bytes = concatBytes(keyPackets, splitSealed(item.bytes).encrypted);
      const { expected } = await expectedFor(ref, item, report?.replyPublicKey ?? null);
      checkSealedPart(bytes, expected, item.bytes.length + KEY_PACKETS_MAX, i);
      rewrites.push({ item, bytes });
      for (const e of expected) recipients.add(e.memberId);
    }

    const done: SealedRewrite[] = [];
    try {
      for (const { item, bytes } of rewrites) {
        const r =
          item.target === 'part'
            ? await relais.store.reports.rewriteSealedStatements(ref, item.idx, bytes)
            : await relais.store.messages.rewriteSealedStatements(ref, item.idx, bytes);
        if (!r) throw new ApiError(409, 'grant_conflict', 'The report changed meanwhile; ask for its state again.');
        done.push(r);
      }
      await relais.store.batch([
        ...done.flatMap((r) => r.statements),
        relais.audit.statement({
          action: 'report.grant',
          actor: `member:${member.id}`,
          report: ref,
          details: {
            parts: rewrites.filter((r) => r.item.target === 'part').map((r) => r.item.idx),
            messages: rewrites.filter((r) => r.item.target === 'message').map((r) => r.item.idx),
            // who can open them now ("resident": the resident's reply key)
            recipients: [...recipients].sort(),
          },
        }),
      ]);
    } catch (e) {
      await relais.store.blobs.delete(done.flatMap((r) => (r.added ? [r.added] : []))).catch(() => {});
      if (e instanceof ConstraintError) throw new ApiError(409, 'grant_conflict', 'The report changed meanwhile; ask for its state again.');
      throw e;
    }
    await relais.store.blobs.delete(done.flatMap((r) => (r.replaced ? [r.replaced] : [])));
    return c.json({ granted: rewrites.length });
  });

  return app;
}
