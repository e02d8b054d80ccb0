// Posts a sealed report with XMLHttpRequest rather than fetch, because only XMLHttpRequest tells
// how much of the body has gone (its upload progress events; fetch has none for request bodies),
// which a resident on a slow phone connection needs to see for a report with photos. The body is
// the sealed multipart form of src/client/report-form.ts: sealed parts named "sealed", never a file
// name (DESIGN promises 1 and 3). Same origin, no credentials, the page's no-referrer policy.

import { ApiClientError, busyWait } from '../../src/client/api.ts';

/**
 * Resolves with the server's JSON answer; an HTTP refusal is an ApiClientError, a lost connection
 * a TypeError. `headers`: the report's proof of work. A 503 server_busy is tried again after its
 * Retry-After, a few times (nothing was read or stored).
 */
export async function postWithProgress(
  path: string,
  body: FormData,
  headers: Record<string, string>,
  onProgress: (fraction: number) => void,
): Promise<Record<string, unknown>> {
  for (let attempt = 0; ; attempt++) {
    const answer = await postOnce(path, body, headers, onProgress);
    if (!('wait' in answer) || attempt >= 3) return answer.result();
    await new Promise((resolve) => setTimeout(resolve, answer.wait));
  }
}

type Answer = { result: () => Record<string, unknown> } | { wait: number; result: () => never };

function postOnce(path: string, body: FormData, headers: Record<string, string>, onProgress: (fraction: number) => void): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
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
      if (xhr.status >= 200 && xhr.status < 300) return resolve({ result: () => data });
      const error = new ApiClientError(
        xhr.status,
        String(data.error ?? `http_${xhr.status}`),
        String(data.message ?? xhr.statusText),
        data,
      );
      const fail = (): never => {
        throw error;
      };
      const wait = busyWait({ status: xhr.status, headers: { get: (name) => xhr.getResponseHeader(name) } });
      resolve(wait === null ? { result: fail } : { wait, result: fail });
    });
    const lost = () => reject(new TypeError('the connection was lost'));
    xhr.addEventListener('error', lost);
    xhr.addEventListener('abort', lost);
    xhr.addEventListener('timeout', lost);
    xhr.send(body);
  });
}
