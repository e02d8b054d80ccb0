// The custodians' record of a witness (issue 15 §5; DESIGN promise 6): that the witness was
// contacted (who, when) and notes sealed to the custody inbox's members only, in order. Nothing
// here is in clear but the kind, the custodian and the time.

import { sql, type SqlDriver, type Statement } from './driver.ts';

export interface CustodyNote {
  idx: number;
  memberId: string;
  kind: 'contacted' | 'note';
  at: number;
  size: number;
}

export class CustodyNotes {
  constructor(private readonly db: SqlDriver) {}

  appendStatement(number: string, memberId: string, kind: CustodyNote['kind'], at: number, data: Uint8Array | null): Statement {
    return sql(
      `INSERT INTO custody_notes (number, idx, member_id, kind, at, data)
       VALUES (?, (SELECT COALESCE(MAX(idx), -1) + 1 FROM custody_notes WHERE number = ?), ?, ?, ?, ?)`,
      number,
      number,
      memberId,
      kind,
      at,
      data,
    );
  }

  async list(number: string): Promise<CustodyNote[]> {
    const rows = await this.db.all<{ idx: number; member_id: string; kind: CustodyNote['kind']; at: number; size: number }>(
      'SELECT idx, member_id, kind, at, COALESCE(length(data), 0) AS size FROM custody_notes WHERE number = ? ORDER BY idx',
      [number],
    );
    return rows.map((r) => ({ idx: r.idx, memberId: r.member_id, kind: r.kind, at: r.at, size: r.size }));
  }

  async data(number: string, idx: number): Promise<Uint8Array | null> {
    return (
      (await this.db.first<{ data: Uint8Array | null }>('SELECT data FROM custody_notes WHERE number = ? AND idx = ?', [number, idx]))
        ?.data ?? null
    );
  }
}
