/** Posts one file to S3 as multipart form data, with XMLHttpRequest (for upload progress). */
import type { Messages } from '../messages.js';
import type { Failure } from '../core/retry.js';
import { parseFailure, parseSuccess, type Landed } from '../core/s3-response.js';
import type { Signature } from '../core/queue.js';

export interface PostOptions {
  /** No progress (sending or receiving) for this long aborts the attempt as `stalled`; 0 turns it off. */
  stallTimeout: number;
  /** Raw progress of the multipart body. */
  onProgress: (loaded: number, total: number) => void;
  messages: Messages;
}

export interface PostHandle {
  /** Resolves where the file landed; rejects with a `Failure` (code `aborted` after `abort()`). */
  done: Promise<Landed>;
  abort(): void;
}

/**
 * Sends the signed fields in their signed order, then the file last. `FormData` streams the `File`
 * from disk: it is never read into memory.
 */
export function postToS3(sig: Signature, file: Blob, options: PostOptions): PostHandle {
  const xhr = new XMLHttpRequest();
  const m = options.messages;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stalled = false;
  const fail = (code: string, message: string, retryable = true): Failure => ({ code, message, status: 0, retryable });
  const arm = (): void => {
    clearTimeout(timer);
    if (options.stallTimeout > 0)
      timer = setTimeout(() => {
        stalled = true;
        xhr.abort();
      }, options.stallTimeout);
  };
  const done = new Promise<Landed>((resolve, reject) => {
    const body = new FormData();
    for (const [name, value] of Object.entries(sig.fields)) body.append(name, value);
    body.append('file', file);
    xhr.open('POST', sig.url);
    xhr.upload.onprogress = (e) => {
      arm();
      options.onProgress(e.loaded, e.total);
    };
    xhr.onprogress = arm;
    xhr.onload = () => {
      clearTimeout(timer);
      const { status, responseText } = xhr;
      if (status >= 200 && status < 300) resolve(parseSuccess(responseText, sig, (h) => xhr.getResponseHeader(h)));
      else reject(parseFailure(status, responseText, xhr.getResponseHeader('Retry-After'), m, Date.now()));
    };
    xhr.onerror = () => {
      clearTimeout(timer);
      reject(fail('network', m.network));
    };
    xhr.onabort = () => {
      clearTimeout(timer);
      reject(stalled ? fail('stalled', m.stalled) : fail('aborted', m.canceled, false));
    };
    xhr.send(body);
    arm();
  });
  return { done, abort: () => xhr.abort() };
}
