/**
 * The upload queue and its state machine. Pure logic: no DOM, no network, no timers; the element
 * asks it what to do next and reports what happened.
 *
 *   queued ──▶ signing ──▶ queued (signed) ──▶ uploading ──▶ done
 *     ▲           │                               │
 *     └─ retry ◀──┴── failure (retryable, within retries, or offline / policy expired) ──┘
 *   any active ──▶ canceled;  final failure ──▶ error;  error (retryable) / canceled ──retry()──▶ queued
 */
import { retryDelay, type Failure } from './retry.js';

export type UploadStatus = 'queued' | 'signing' | 'uploading' | 'done' | 'error' | 'canceled';

/** Why an item failed. */
export interface UploadError {
  /** `too_large`, `type_not_allowed`, `EntityTooSmall`, `AccessDenied`, `network`, `stalled`, ... */
  code: string;
  /** Readable message (from `messages`, or the signer's own). */
  message: string;
  /** Whether `retry()` may help. */
  retryable: boolean;
  /** HTTP status of the last answer; 0 when none arrived. */
  status?: number;
}

/** One item of the public `uploads` list. */
export interface UploadItem<F = File> {
  id: string;
  file: F;
  status: UploadStatus;
  /** Bytes of the file sent so far. */
  loaded: number;
  /** The file's size. */
  total: number;
  /** Set once done. */
  key?: string;
  bucket?: string;
  location?: string;
  etag?: string;
  error?: UploadError;
  /** Upload attempts made (waits while offline and re-signs after expiry are not counted). */
  attempts: number;
}

/** A signed POST policy for one item (`expiresAt` and `signedAt` in ms since the epoch, local clock). */
export interface Signature {
  url: string;
  fields: Record<string, string>;
  key: string;
  bucket: string;
  expiresAt: number;
  signedAt: number;
}

/** The queue's own record of an item. */
export interface QueueItem<F> extends UploadItem<F> {
  sig?: Signature | undefined;
  /** Failed signing requests (bounded by `retries` like upload attempts). */
  signFailures: number;
  /** Policies signed again because they expired. */
  resigns: number;
  /** Not before this time (ms). */
  retryAt: number;
  /** Waiting for `start()` (when `auto` is off). */
  held: boolean;
  /** Bumped at every attempt and on cancel, so answers to an older attempt are recognised and ignored. */
  run: number;
}

export interface QueueOptions {
  concurrency: number;
  retries: number;
  /** Backoff base in ms. */
  retryDelay: number;
  /** Most files per signing request. */
  batch: number;
  random: () => number;
}

/** Re-signs after expiry per item before giving up (guards against a clock that is far off). */
export const MAX_RESIGNS = 3;

export const isActive = (item: { status: UploadStatus }): boolean =>
  item.status === 'queued' || item.status === 'signing' || item.status === 'uploading';

/** The policy has expired, or expires within min(10 s, a quarter of its lifetime). */
export const expiring = (sig: Signature, now: number): boolean =>
  now >= sig.expiresAt - Math.min(10_000, (sig.expiresAt - sig.signedAt) / 4);

/** The public view of an item (a copy: the page cannot change the queue through it). */
export const snapshot = <F>(i: QueueItem<F>): UploadItem<F> => ({
  id: i.id,
  file: i.file,
  status: i.status,
  loaded: i.loaded,
  total: i.total,
  key: i.key,
  bucket: i.bucket,
  location: i.location,
  etag: i.etag,
  error: i.error,
  attempts: i.attempts,
});

export class UploadQueue<F> {
  items: QueueItem<F>[] = [];

  constructor(public options: QueueOptions) {}

  /** Appends an item: queued (held until `start()` when `held`), or already failed with `error`. */
  add(id: string, file: F, total: number, held: boolean, error?: UploadError): QueueItem<F> {
    const item: QueueItem<F> = {
      id,
      file,
      status: error ? 'error' : 'queued',
      loaded: 0,
      total,
      attempts: 0,
      signFailures: 0,
      resigns: 0,
      retryAt: 0,
      held,
      run: 0,
      error,
    };
    this.items.push(item);
    return item;
  }

  find(id: string): QueueItem<F> | undefined {
    return this.items.find((i) => i.id === id);
  }

  /** Cancels and drops an item; returns it (so the caller can abort its transfer). */
  remove(id: string): QueueItem<F> | undefined {
    const item = this.find(id);
    if (item) {
      this.cancel(item);
      this.items = this.items.filter((i) => i !== item);
    }
    return item;
  }

  private due(item: QueueItem<F>, now: number): boolean {
    return item.status === 'queued' && !item.held && item.retryAt <= now;
  }

  /**
   * The items to sign next, in ONE request: due, queued items with no policy or one that is
   * expiring. Empty while a request is in flight.
   */
  toSign(now: number): QueueItem<F>[] {
    if (this.items.some((i) => i.status === 'signing')) return [];
    return this.items.filter((i) => this.due(i, now) && (!i.sig || expiring(i.sig, now))).slice(0, this.options.batch);
  }

  /** The signed items that may start uploading now, within the concurrency limit. */
  toUpload(now: number): QueueItem<F>[] {
    const free = this.options.concurrency - this.items.filter((i) => i.status === 'uploading').length;
    return free > 0 ? this.items.filter((i) => this.due(i, now) && i.sig && !expiring(i.sig, now)).slice(0, free) : [];
  }

  signing(items: QueueItem<F>[]): void {
    for (const item of items) item.status = 'signing';
  }

  /** The signer signed this item. */
  signed(item: QueueItem<F>, sig: Signature): void {
    if (item.status !== 'signing') return;
    item.sig = sig;
    item.status = 'queued';
  }

  /** The signer refused this file alone (or the answer was unusable): final. */
  refused(item: QueueItem<F>, error: UploadError): void {
    if (item.status !== 'signing') return;
    item.status = 'error';
    item.error = error;
  }

  /**
   * The signing request failed as a whole. Items wait (offline), retry after a backoff, or fail.
   * Returns the items that failed for good.
   */
  signFailed(items: QueueItem<F>[], failure: Failure, now: number, offline: boolean): QueueItem<F>[] {
    const failed: QueueItem<F>[] = [];
    const waiting: QueueItem<F>[] = [];
    for (const item of items) {
      if (item.status !== 'signing') continue;
      item.status = 'queued';
      if (offline) continue;
      item.signFailures += 1;
      if (failure.retryable && item.signFailures <= this.options.retries) {
        waiting.push(item);
      } else {
        this.settleError(item, failure);
        failed.push(item);
      }
    }
    // One wait for the whole batch, so that it is signed again in one request, not one per file.
    const retryAt = now + this.delay(Math.max(0, ...waiting.map((item) => item.signFailures)), failure);
    for (const item of waiting) item.retryAt = retryAt;
    return failed;
  }

  /** An upload attempt starts; returns its run number. */
  begin(item: QueueItem<F>): number {
    item.status = 'uploading';
    item.attempts += 1;
    item.loaded = 0;
    return ++item.run;
  }

  /** True when `run` is the item's current, still running attempt. */
  current(item: QueueItem<F>, run: number): boolean {
    return item.status === 'uploading' && item.run === run;
  }

  succeed(item: QueueItem<F>, landed: { key: string; bucket: string; location: string; etag: string }): void {
    item.status = 'done';
    item.loaded = item.total;
    item.sig = undefined;
    Object.assign(item, landed);
  }

  /**
   * An upload attempt failed. `wait`: offline, not counted, resumes when online. `retry`: queued
   * again (after a backoff, or at once with a new policy when it expired). `error`: final.
   */
  fail(item: QueueItem<F>, failure: Failure, now: number, offline: boolean): 'wait' | 'retry' | 'error' {
    item.status = 'queued';
    item.loaded = 0;
    if (offline) {
      item.attempts -= 1;
      return 'wait';
    }
    if (failure.expired && item.resigns < MAX_RESIGNS) {
      item.attempts -= 1;
      item.resigns += 1;
      item.sig = undefined;
      return 'retry';
    }
    if (failure.retryable && item.attempts <= this.options.retries) {
      item.retryAt = now + this.delay(item.attempts, failure);
      return 'retry';
    }
    this.settleError(item, failure);
    return 'error';
  }

  /** Cancels an active item; returns whether it was active. */
  cancel(item: QueueItem<F>): boolean {
    if (!isActive(item)) return false;
    item.status = 'canceled';
    item.run += 1;
    item.held = false;
    return true;
  }

  /** Queues a canceled item, or one that failed with a retryable error, afresh; returns whether it did. */
  retry(item: QueueItem<F>): boolean {
    if (item.status !== 'canceled' && !(item.status === 'error' && item.error?.retryable)) return false;
    Object.assign(item, { status: 'queued', attempts: 0, signFailures: 0, resigns: 0, retryAt: 0, loaded: 0, held: false, error: undefined });
    return true;
  }

  /** Releases items held for `start()`. */
  start(): void {
    for (const item of this.items) item.held = false;
  }

  /** True when no item is queued, signing or uploading. */
  settled(): boolean {
    return !this.items.some(isActive);
  }

  /** When the next backoff ends (ms), if an item is waiting for one. */
  nextWake(now: number): number | undefined {
    const times = this.items.filter((i) => i.status === 'queued' && !i.held && i.retryAt > now).map((i) => i.retryAt);
    return times.length ? Math.min(...times) : undefined;
  }

  /** Bytes sent and total over the items that are not canceled or failed. */
  totals(): { loaded: number; total: number } {
    let loaded = 0;
    let total = 0;
    for (const item of this.items) {
      if (item.status === 'canceled' || item.status === 'error') continue;
      loaded += item.loaded;
      total += item.total;
    }
    return { loaded, total };
  }

  private delay(failures: number, failure: Failure): number {
    return retryDelay(failures, this.options.retryDelay, this.options.random, failure.retryAfter);
  }

  private settleError(item: QueueItem<F>, failure: Failure): void {
    item.status = 'error';
    item.error = { code: failure.code, message: failure.message, retryable: failure.retryable, status: failure.status };
  }
}
