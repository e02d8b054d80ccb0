// Content-free notifications (issue 15 §3): members who opted in (config `notifications`) get at
// most one notice per closed time bucket — or one daily digest at a fixed hour — saying only that
// their inbox has something new: no category, no count, no reference, no inbox name. Notices are
// decided by the maintenance run after the period has closed (its grace included), never by an
// arrival, so their timing says nothing finer than the period. Each (member, period) is recorded
// in notices_sent before sending: a restart never sends one twice (a failed send is not retried).
// Delivery is the runtime's (e-mail through the configured SMTP relay on Node, webhooks by fetch).

import { bucketStart, type Relais } from './context.ts';

export interface Notice {
  subject: string;
  text: string;
}

export interface Notifier {
  email(to: string, notice: Notice): Promise<void>;
  webhook(url: string, notice: Notice): Promise<void>;
}

export function noticeFor(origin: string): Notice {
  return {
    subject: 'Relais : du nouveau dans votre boîte',
    text: [
      'Votre boîte Relais a reçu de nouveaux signalements ou messages.',
      `Connectez-vous à la console pour les lire : ${origin}/console/`,
      '',
      'Ce message ne dit rien de leur contenu, de leur nombre ni de l’heure de leur arrivée.',
      '',
      'Your Relais inbox has new reports or messages. Log in to the console to read them.',
      '',
    ].join('\n'),
  };
}

/**
 * The period whose notices are due at `nowMs` (its start and end, unix seconds), once `grace`
 * seconds past its end, when the receipts of its last bucket are logged; null without config.
 */
export function duePeriod(relais: Relais, nowMs: number, grace: number): { start: number; end: number } | null {
  const n = relais.config.config.notifications;
  if (!n) return null;
  const size = relais.config.config.timeBucketSeconds;
  if (n.schedule === 'bucket') {
    const end = bucketStart(nowMs - grace * 1000, size);
    return { start: end - size, end };
  }
  const hour = Number(n.dailyAt.slice(0, 2));
  const seconds = Math.floor(nowMs / 1000) - grace;
  const end = Math.floor((seconds - hour * 3600) / 86_400) * 86_400 + hour * 3600;
  return { start: end - 86_400, end };
}

/** Sends the notices of the period just closed; returns how many were sent. */
export async function sendNotices(relais: Relais, notifier: Notifier, grace: number): Promise<number> {
  const n = relais.config.config.notifications;
  const period = duePeriod(relais, relais.clock(), grace);
  if (!n || !period) return 0;
  const { store } = relais;
  const fresh = new Map<string, boolean>();
  const inboxHasNews = async (inbox: string) => {
    if (!fresh.has(inbox)) fresh.set(inbox, await store.reportList.hasActivity(inbox, period.start, period.end));
    return fresh.get(inbox) as boolean;
  };
  const notice = noticeFor(relais.config.config.site.origin);
  let sent = 0;
  const once = async (key: string, send: () => Promise<void>) => {
    if (!(await store.reportList.claimNotice(key, period.end))) return;
    try {
      await send();
      sent++;
    } catch (e) {
      relais.log(`notification not delivered: ${(e as Error).name}`);
    }
  };
  for (const r of n.recipients) {
    const member = relais.config.staff.get(r.member);
    if (!member) continue;
    let news = false;
    for (const inbox of member.inboxes) if (await inboxHasNews(inbox)) news = true;
    if (news) await once(`member:${r.member}`, () => notifier.email(r.email, notice));
  }
  for (const w of n.webhooks) if (await inboxHasNews(w.inbox)) await once(`webhook:${w.inbox}`, () => notifier.webhook(w.url, notice));
  return sent;
}
