// The one way staff actions reach the audit log (DESIGN promise 7): audit.append(event), or
// audit.statement(event) to put the entry in the same atomic batch as the action it records.
// `statementCount` counts the statements made, so that the transparency log can integrate right
// after a request that made one (src/server/log-trigger.ts).

import { auditEntryJson, type AuditEvent } from '../core/audit-entry.ts';
import type { Statement } from '../store/driver.ts';
import type { Store } from '../store/store.ts';

export type StaffEvent = Omit<AuditEvent, 'time' | 'bucket'>;

export class Audit {
  #statements = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: () => number,
  ) {}

  statement(event: StaffEvent): Statement {
    this.#statements++;
    return this.store.audit.appendStatement(auditEntryJson({ ...event, time: this.clock() }));
  }

  /** Number of audit statements made so far by this process. */
  get statementCount(): number {
    return this.#statements;
  }

  async append(event: StaffEvent): Promise<void> {
    await this.store.batch([this.statement(event)]);
  }
}
