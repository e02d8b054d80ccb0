// Where the quick exit goes and what it asks the browser to clear (issue 17; SECURITY "Someone
// who seizes a resident's phone"), shared by the route that answers it (src/routes/exit.ts), the
// pages that link to it (web/), and `relais check-site`, which checks a live site's answer.

/** The quick exit's path on the site: answers a 303 to `site.quickExitUrl`. */
export const EXIT_PATH = '/sortie';

/** The Clear-Site-Data value of that answer (Clear Site Data, W3C): the origin's cache, cookies and storage. */
export const CLEAR_SITE_DATA = '"cache", "cookies", "storage"';
