// The code each start served (DESIGN promise 11, issue 12; migrations/0010_site_deployments.sql):
// a `site.deployed` audit entry and its row go in together, only if the manifest differs from the
// newest one recorded, so that several processes starting with the same new code (Workers
// isolates) log it once, while going back to earlier code is logged again.

import { sql, type SqlDriver, type Statement } from './driver.ts';

export interface SiteDeployment {
  /** index of its site.deployed entry in the audit log */
  idx: number;
  manifestHash: string;
  manifest: string;
}

const NEWEST = 'SELECT manifest_hash FROM site_deployments ORDER BY idx DESC LIMIT 1';

export class SiteDeployments {
  constructor(private readonly db: SqlDriver) {}

  async latest(): Promise<SiteDeployment | null> {
    return this.db.first('SELECT idx, manifest_hash AS manifestHash, manifest FROM site_deployments ORDER BY idx DESC LIMIT 1');
  }

  /** The newest `limit` deployments, newest first. */
  async recent(limit: number): Promise<SiteDeployment[]> {
    return this.db.all('SELECT idx, manifest_hash AS manifestHash, manifest FROM site_deployments ORDER BY idx DESC LIMIT ?', [limit]);
  }

  /**
   * The audit entry, then its row, for one batch: the entry is appended only if `manifestHash` is
   * not the newest recorded, and the row only if that entry was just appended (it is then the
   * log's last entry, inside the same batch).
   */
  recordStatements(entry: string, manifestHash: string, manifest: string, now: number): Statement[] {
    return [
      sql(
        `INSERT INTO audit_entries (idx, entry)
         SELECT (SELECT COALESCE(MAX(idx), -1) + 1 FROM audit_entries), ?
         WHERE (${NEWEST}) IS NOT ?`,
        entry,
        manifestHash,
      ),
      sql(
        `INSERT INTO site_deployments (idx, manifest_hash, manifest, deployed)
         SELECT idx, ?, ?, ? FROM audit_entries
         WHERE idx = (SELECT MAX(idx) FROM audit_entries) AND entry = ? AND (${NEWEST}) IS NOT ?`,
        manifestHash,
        manifest,
        now,
        entry,
        manifestHash,
      ),
    ];
  }
}
