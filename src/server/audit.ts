// The one way staff actions reach the audit log (DESIGN promise 7): audit.append(event), or
// audit.statement(event) to put the entry in the same atomic batch as the action it records.

import { auditEntryJson, type AuditEvent } from '../core/audit-entry.ts';
import type { Statement } from '../store/driver.ts';
import type { Store } from '../store/store.ts';

export type StaffEvent = Omit<AuditEvent, 'time' | 'bucket'>;

export class Audit {
  constructor(
    private readonly store: Store,
    private readonly clock: () => number,
  ) {}

  statement(event: StaffEvent): Statement {
    return this.store.audit.appendStatement(auditEntryJson({ ...event, time: this.clock() }));
  }

  async append(event: StaffEvent): Promise<void> {
    await this.store.batch([this.statement(event)]);
  }
}
