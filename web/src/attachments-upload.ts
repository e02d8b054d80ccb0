// Posts a sealed report with XMLHttpRequest rather than fetch, because only XMLHttpRequest tells
// how much of the body has gone (its upload progress events; fetch has none for request bodies),
// which a resident on a slow phone connection needs to see for a report with photos. The body is
// the sealed multipart form of src/client/report-form.ts: sealed parts named "sealed", never a file
// name (DESIGN promises 1 and 3). Same origin, no credentials, the page's no-referrer policy.

import { ApiClientError } from '../../src/client/api.ts';

/** Resolves with the server's JSON answer; an HTTP refusal is an ApiClientError, a lost connection a TypeError. */
export function postWithProgress(path: string, body: FormData, onProgress: (fraction: number) => void): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = false;
    xhr.responseType = 'text';
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener('load', () => {
      let data: Record<string, unknown> = {};
      try {
        data = JSON.parse(xhr.responseText) as Record<string, unknown>;
      } catch {
        // not JSON: keep the status only
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(data);
      reject(new ApiClientError(xhr.status, String(data.error ?? `http_${xhr.status}`), String(data.message ?? xhr.statusText), data));
    });
    const lost = () => reject(new TypeError('the connection was lost'));
    xhr.addEventListener('error', lost);
    xhr.addEventListener('abort', lost);
    xhr.addEventListener('timeout', lost);
    xhr.send(body);
  });
}
