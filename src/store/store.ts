// The Store: everything Relais keeps, built once on an SqlDriver and a BlobStore. The Node entry
// builds it on SQLite, the Workers entry on D1 and R2; the routes see only this. What residents
// send waits in a staging area until its bucket closes (staging.ts); reads find it anywhere.

import { randomBytes } from '../core/bytes.ts';
import { newReportRef } from '../core/refs.ts';
import { AuditTable } from './audit-table.ts';
import type { BlobStore } from './blobs.ts';
import { ConfigVersions } from './config-versions.ts';
import { CustodyNotes } from './custody-notes.ts';
import { DisclosureRepository } from './disclosures.ts';
import { sql, type SqlDriver, type Statement } from './driver.ts';
import { MessageRepository } from './messages.ts';
import { FigureStore } from './figures.ts';
import { ReportList } from './report-list.ts';
import { ReportRepository } from './reports.ts';
import { SessionRepository } from './sessions.ts';
import { SiteDeployments } from './site-deployments.ts';
import { StagedBlobs, Staging } from './staging.ts';
import { WitnessRepository } from './witnesses.ts';

export class Store {
  readonly reports: ReportRepository;
  readonly reportList: ReportList;
  readonly figures: FigureStore;
  readonly custodyNotes: CustodyNotes;
  readonly messages: MessageRepository;
  readonly sessions: SessionRepository;
  readonly audit: AuditTable;
  readonly configVersions: ConfigVersions;
  readonly siteDeployments: SiteDeployments;
  readonly witnesses: WitnessRepository;
  readonly disclosures: DisclosureRepository;
  readonly staging: Staging;

  constructor(
    readonly db: SqlDriver,
    readonly blobs: BlobStore,
    newRef: () => string = () => newReportRef(randomBytes),
  ) {
    const staged = new StagedBlobs(db, blobs);
    this.reports = new ReportRepository(db, staged, newRef);
    this.reportList = new ReportList(db);
    this.figures = new FigureStore(db);
    this.custodyNotes = new CustodyNotes(db);
    this.messages = new MessageRepository(db, staged);
    this.sessions = new SessionRepository(db);
    this.audit = new AuditTable(db);
    this.staging = new Staging(db, this.audit, staged);
    this.configVersions = new ConfigVersions(db);
    this.siteDeployments = new SiteDeployments(db);
    this.witnesses = new WitnessRepository(db);
    this.disclosures = new DisclosureRepository(db);
  }

  /** Runs statements from several repositories as one atomic batch (`redoable`: see SqlDriver.batch). */
  async batch(statements: Statement[], options: { redoable?: boolean } = {}): Promise<void> {
    if (statements.length > 0) await this.db.batch(statements, options);
  }

  /**
   * Before a staff write on a report (a read mark, a status, a disclosure, new key packets): moves
   * it out of staging if it is still there, so that the write finds it in the main tables.
   */
  async settle(ref: string): Promise<void> {
    await this.staging.settle(ref);
  }

  /** Deletes attachment bytes whose rows are gone (blob_trash), a slice at a time; returns how many. */
  async sweepBlobs(limit = 500): Promise<number> {
    const keys = (await this.db.all<{ key: string }>('SELECT key FROM blob_trash LIMIT ?', [limit])).map((r) => r.key);
    if (keys.length === 0) return 0;
    await this.blobs.delete(keys);
    await this.db.batch(
      keys.map((k) => sql('DELETE FROM blob_trash WHERE key = ?', k)),
      { redoable: true },
    );
    return keys.length;
  }

  /**
   * Makes what was deleted gone from the files too, where the adapter can (SQLite: checkpoint and
   * truncate the WAL, start a fresh wal-index); true if nothing was left behind.
   */
  async scrub(): Promise<boolean> {
    return this.db.scrub ? this.db.scrub() : true;
  }

  spendChallengeStatement(nonce: string, expires: number): Statement {
    return sql('INSERT INTO spent_challenges (nonce, expires) VALUES (?, ?)', nonce, expires);
  }

  async deleteExpiredChallenges(nowSeconds: number): Promise<number> {
    return (await this.db.run('DELETE FROM spent_challenges WHERE expires <= ?', [nowSeconds])).changes;
  }
}
