// A staff member's session in the page (issue "officer console", DESIGN "Officer session"): the
// unlocked private key and the bearer token live only in this module's memory — never in any
// storage API, a cookie or the URL — and are dropped on logout, when the server ends the session,
// and after 15 minutes without activity, with a warning two minutes before. Leaving always reloads
// the page, so nothing the session held survives in the page's memory either.

import type * as openpgp from 'openpgp';
import { ApiClient, ApiClientError } from '../../../src/client/api.ts';
import { login, unlockPrivateKey, type StaffMember } from '../../../src/client/staff.ts';

export const IDLE_MS = 15 * 60 * 1000;
export const WARN_BEFORE_MS = 2 * 60 * 1000;

export type EndReason = 'logout' | 'expired';

export class StaffSession {
  private lastActivity = Date.now();
  private lastRequest = Date.now();
  private timer: ReturnType<typeof setInterval> | null = null;
  private ended = false;
  onIdleWarning: ((minutesLeft: number) => void) | null = null;
  onActive: (() => void) | null = null;

  private constructor(
    readonly api: ApiClient,
    private key: openpgp.PrivateKey | null,
    readonly member: StaffMember,
    private readonly expires: number,
    private readonly page: string,
  ) {}

  static async open(page: string, armored: string, passphrase: string): Promise<StaffSession> {
    const key = await unlockPrivateKey(armored, passphrase);
    const api = new ApiClient({ server: window.location.origin });
    const { member, expires } = await login(api, key, window.location.origin);
    const session = new StaffSession(api, key, member, expires, page);
    session.watch();
    return session;
  }

  /** The unlocked key, for decrypting; throws once the session has ended. */
  privateKey(): openpgp.PrivateKey {
    if (!this.key) throw new Error('session ended');
    return this.key;
  }

  /** Runs an API call, ending the session if the server says it is over. */
  async call<T>(fn: (api: ApiClient) => Promise<T>): Promise<T> {
    try {
      const result = await fn(this.api);
      this.lastRequest = Date.now();
      this.markActive();
      return result;
    } catch (e) {
      if (e instanceof ApiClientError && e.status === 401) this.end('expired');
      throw e;
    }
  }

  markActive(): void {
    this.lastActivity = Date.now();
    this.onActive?.();
  }

  /**
   * The member is typing or clicking. The server counts idle time from the last request, so a
   * member who reads or writes for a while without sending anything is kept logged in by a
   * request every few minutes.
   */
  userActive(): void {
    this.markActive();
    if (Date.now() - this.lastRequest > 5 * 60 * 1000) {
      this.lastRequest = Date.now();
      void this.stay().catch(() => {});
    }
  }

  /** Asks the server to keep the session (it counts idle time from the last request). */
  async stay(): Promise<void> {
    await this.call((api) => api.request('GET', '/api/v1/session'));
  }

  private watch(): void {
    this.timer = setInterval(() => {
      const now = Date.now();
      if (now >= this.expires || now - this.lastActivity >= IDLE_MS) return this.end('expired');
      const left = IDLE_MS - (now - this.lastActivity);
      if (left <= WARN_BEFORE_MS) this.onIdleWarning?.(Math.max(1, Math.ceil(left / 60_000)));
    }, 5_000);
  }

  /** Forgets the key and the token, tells the server, and reloads the page empty. */
  end(reason: EndReason): void {
    if (this.ended) return;
    this.ended = true;
    if (this.timer) clearInterval(this.timer);
    this.key = null;
    const token = this.api.token;
    this.api.token = undefined;
    document.getElementById('app')?.replaceChildren();
    const leave = () => window.location.replace(`${this.page}?ended=${reason}`);
    if (reason === 'logout' && token) {
      void fetch('/api/v1/session', {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${token}` },
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
      }).finally(leave);
    } else {
      leave();
    }
  }
}
