// Staff login and logout (DESIGN "Officer session"): ask for a challenge, sign its text with your
// OpenPGP key, solve the challenge's small proof of work, get a bearer token. Refusals say why
// (bad signature, unknown key, expired or reused challenge) but log nothing about the caller;
// each one raises the proof of work for the next logins (server/login-throttle.ts).

import { Hono } from 'hono';
import * as openpgp from 'openpgp';
import { z } from 'zod';
import { EXPIRY_WARNING_MS, expiringMembers } from '../config/expiry.ts';
import type { ResolvedMember } from '../config/resolve.ts';
import { sessionLogId } from '../core/audit-entry.ts';
import { checkLoginChallenge, issueLoginChallenge } from '../core/login-challenge.ts';
import { meetsDifficulty } from '../core/pow.ts';
import { LoginThrottle } from '../server/login-throttle.ts';
import { ConstraintError } from '../store/driver.ts';
import { newSessionToken, requireStaff, SESSION_IDLE_MS, SESSION_MAX_MS, tokenHash } from '../server/auth.ts';
import type { Env, Relais } from '../server/context.ts';
import { ApiError } from '../server/http.ts';
import { readJson } from '../server/bodies.ts';
import { staffRoute } from '../server/request-log.ts';

const CHALLENGE_TTL_SECONDS = 120;
/**
 * The challenge's expiry already bounds freshness; the signature's own creation time comes from
 * the officer's computer, whose clock may run ahead. Verifying "as of" a few minutes from now
 * accepts that skew (a key that expires within those minutes is refused a little early).
 */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const LoginRequest = z
  .object({ challenge: z.string().max(200), counter: z.number().int().min(0), signature: z.string().max(8192) })
  .strict();

/** The member whose key (primary or subkey) made the signature, if any. */
function signerOf(relais: Relais, signature: openpgp.Signature): ResolvedMember | null {
  const ids = new Set(signature.getSigningKeyIDs().map((k) => k.toHex()));
  for (const member of relais.config.staff.values()) {
    if ([member.key, ...member.key.subkeys].some((k) => ids.has(k.getKeyID().toHex()))) return member;
  }
  return null;
}

/**
 * Who is logged in, and whose keys expire within 30 days among them and the other members of their
 * inboxes (the console's banner, issue 14): an expired key drops out of the routing.
 */
export function memberView(relais: Relais, member: ResolvedMember) {
  const near = expiringMembers(relais.config, relais.clock(), EXPIRY_WARNING_MS).filter(
    (m) => m.id === member.id || m.inboxes.some((i) => member.inboxes.includes(i)),
  );
  return {
    id: member.id,
    name: member.name,
    roles: member.roles,
    inboxes: member.inboxes,
    keyWarnings: near.map((m) => ({ member: m.id, name: m.name, expires: (m.expires as Date).toISOString() })),
  };
}

export function sessionRoutes(relais: Relais): Hono<Env> {
  const app = new Hono<Env>();
  // Logins are staff requests: each gets its own log line (request-log.ts).
  app.use('*', staffRoute);
  const origin = new URL(relais.config.config.site.origin).origin;
  const throttle = new LoginThrottle(relais.config.config.proofOfWork.loginBits, relais.counters);
  /** Refuses a login and makes the next ones a little costlier. */
  const refuse = async (status: 400 | 401, code: string, message: string): Promise<never> => {
    await throttle.recordFailure();
    throw new ApiError(status, code, message);
  };

  app.post('/challenge', async (c) => {
    const challenge = issueLoginChallenge(relais.secrets.login, origin, relais.clock(), CHALLENGE_TTL_SECONDS, await throttle.bits());
    return c.json({ challenge: challenge.token, text: challenge.text, bits: challenge.bits, expires: challenge.expires }, 201);
  });

  app.post('/', async (c) => {
    const body = await readJson(c, relais, LoginRequest);
    const now = relais.clock();
    const checked = checkLoginChallenge(relais.secrets.login, body.challenge, origin, now);
    if (typeof checked === 'string') return refuse(401, `login_${checked}`, 'The login challenge is not valid; ask for a new one.');
    // The proof of work comes first: it is what makes guessing costly.
    if (!meetsDifficulty(body.challenge, body.counter, checked.bits))
      return refuse(401, 'login_pow_insufficient', 'The proof of work does not solve the challenge.');
    let signature: openpgp.Signature;
    try {
      signature = await openpgp.readSignature({ armoredSignature: body.signature });
    } catch {
      return refuse(400, 'login_signature_malformed', 'The signature is not an armored OpenPGP signature.');
    }
    const member = signerOf(relais, signature);
    if (!member) return refuse(401, 'login_unknown_key', 'This key does not belong to any member of this Relais.');
    const verified = await openpgp
      .verify({
        message: await openpgp.createMessage({ text: checked.text }),
        signature,
        verificationKeys: member.key,
        expectSigned: true,
        date: new Date(now + CLOCK_SKEW_MS),
      })
      .then(
        () => true,
        () => false,
      );
    if (!verified) return refuse(401, 'login_signature_invalid', 'The signature does not match the challenge.');

    const token = newSessionToken();
    const expires = now + SESSION_MAX_MS;
    try {
      await relais.store.batch([
        relais.store.spendChallengeStatement(checked.nonce, checked.expires),
        relais.store.sessions.createStatement(tokenHash(token), member.id, now, expires),
        relais.audit.statement({
          action: 'staff.login',
          actor: `member:${member.id}`,
          details: { session: sessionLogId(token), key: member.fingerprint },
        }),
      ]);
    } catch (e) {
      if (e instanceof ConstraintError) throw new ApiError(401, 'login_challenge_replayed', 'This challenge was already used.');
      throw e;
    }
    return c.json({ token, expires, idleSeconds: SESSION_IDLE_MS / 1000, member: memberView(relais, member) }, 201);
  });

  const anyStaff = requireStaff(relais, ['officer', 'custodian', 'auditor', 'analyst'], { data: false });

  app.get('/', anyStaff, (c) => {
    const { member, expires } = c.get('staff');
    return c.json({ member: memberView(relais, member), expires });
  });

  app.delete('/', anyStaff, async (c) => {
    const { member, tokenHash: hash } = c.get('staff');
    await relais.store.batch([
      relais.store.sessions.deleteStatement(hash),
      relais.audit.statement({ action: 'staff.logout', actor: `member:${member.id}` }),
    ]);
    return c.body(null, 204);
  });

  return app;
}
