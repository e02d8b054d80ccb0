// Staff sessions (DESIGN "Officer session"): the bearer token itself is never stored, only its
// SHA-256, with the member, the last use (for the idle timeout) and an absolute expiry.

import { sql, type SqlDriver, type Statement } from './driver.ts';

export interface SessionRow {
  memberId: string;
  created: number;
  lastUsed: number;
  expires: number;
}

export class SessionRepository {
  constructor(private readonly db: SqlDriver) {}

  createStatement(tokenHash: string, memberId: string, now: number, expires: number): Statement {
    return sql(
      'INSERT INTO sessions (token_hash, member_id, created, last_used, expires) VALUES (?, ?, ?, ?, ?)',
      tokenHash,
      memberId,
      now,
      now,
      expires,
    );
  }

  async get(tokenHash: string): Promise<SessionRow | null> {
    const row = await this.db.first<{ member_id: string; created: number; last_used: number; expires: number }>(
      'SELECT member_id, created, last_used, expires FROM sessions WHERE token_hash = ?',
      [tokenHash],
    );
    return row && { memberId: row.member_id, created: row.created, lastUsed: row.last_used, expires: row.expires };
  }

  async touch(tokenHash: string, now: number): Promise<void> {
    await this.db.run('UPDATE sessions SET last_used = ? WHERE token_hash = ?', [now, tokenHash]);
  }

  deleteStatement(tokenHash: string): Statement {
    return sql('DELETE FROM sessions WHERE token_hash = ?', tokenHash);
  }

  async delete(tokenHash: string): Promise<void> {
    await this.db.run('DELETE FROM sessions WHERE token_hash = ?', [tokenHash]);
  }

  async deleteExpired(now: number, idleMs: number): Promise<number> {
    return (await this.db.run('DELETE FROM sessions WHERE expires <= ? OR last_used <= ?', [now, now - idleMs])).changes;
  }
}
