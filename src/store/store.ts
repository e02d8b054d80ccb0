// The Store: everything Relais keeps, built once on an SqlDriver and a BlobStore. The Node entry
// builds it on SQLite, the Workers entry on D1 and R2; the routes see only this.

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

  constructor(
    readonly db: SqlDriver,
    readonly blobs: BlobStore,
    newRef: () => string = () => newReportRef(randomBytes),
  ) {
    this.reports = new ReportRepository(db, blobs, newRef);
    this.reportList = new ReportList(db);
    this.figures = new FigureStore(db);
    this.custodyNotes = new CustodyNotes(db);
    this.messages = new MessageRepository(db, blobs);
    this.sessions = new SessionRepository(db);
    this.audit = new AuditTable(db);
    this.configVersions = new ConfigVersions(db);
    this.siteDeployments = new SiteDeployments(db);
    this.witnesses = new WitnessRepository(db);
    this.disclosures = new DisclosureRepository(db);
  }

  /** Runs statements from several repositories as one atomic batch. */
  async batch(statements: Statement[]): Promise<void> {
    if (statements.length > 0) await this.db.batch(statements);
  }

  spendChallengeStatement(nonce: string, expires: number): Statement {
    return sql('INSERT INTO spent_challenges (nonce, expires) VALUES (?, ?)', nonce, expires);
  }

  async deleteExpiredChallenges(nowSeconds: number): Promise<number> {
    return (await this.db.run('DELETE FROM spent_challenges WHERE expires <= ?', [nowSeconds])).changes;
  }
}
