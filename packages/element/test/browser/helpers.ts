/** Shared helpers for the browser tests (no import of the element itself: the bundle test must stay clean). */
import { fixture, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { S3Upload } from '../../src/index.js';
import type { FaultPlan, FaultCounters } from '@s3-upload/fault-proxy';

export interface Env {
  signer: string;
  s3: string;
  bucket: string;
  token: string;
}

let envPromise: Promise<Env> | undefined;
export const env = (): Promise<Env> => (envPromise ??= executeServerCommand<Env, undefined>('s3u-env'));

/** Reset a proxy (page↔RGW or page↔signer) with a fault plan, zeroing its counters. */
export const plan = (target: 's3' | 'signer', faults: FaultPlan = {}, seed?: number): Promise<unknown> =>
  executeServerCommand('s3u-plan', { target, plan: faults, seed });

export const counters = (): Promise<{ s3: FaultCounters; signer: FaultCounters }> => executeServerCommand('s3u-counters');

/** Sign requests seen by the signer proxy since its last reset. */
export const signRequests = async (): Promise<number> => (await counters()).signer.byPath['POST /v1/sign'] ?? 0;

export interface StoredObject {
  missing?: true;
  body: string;
  contentType: string;
  metadata: Record<string, string>;
}

/** Read an object back from RGW (SigV4 GET done in Node). */
export async function getObject(key: string): Promise<StoredObject & { bytes: Uint8Array }> {
  const o = await executeServerCommand<StoredObject, { key: string }>('s3u-get-object', { key });
  const bytes = o.missing ? new Uint8Array() : Uint8Array.from(atob(o.body), (c) => c.charCodeAt(0));
  return { ...o, bytes };
}

/** Keys under tests/ ending with this suffix. */
export const listKeys = (suffix: string): Promise<string[]> => executeServerCommand('s3u-list', { suffix });

let seq = 0;
/** A unique file name, so tests never see each other's objects. */
export const unique = (name: string): string => `${Date.now().toString(36)}-${++seq}-${name}`;

/** A file of `size` pseudo-random bytes (deterministic per seed). */
export function makeFile(name: string, size: number, type = 'application/octet-stream', seed = 1): File {
  const bytes = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return new File([bytes], name, { type });
}

export async function bytesOf(file: Blob): Promise<Uint8Array> {
  return new Uint8Array(await file.arrayBuffer());
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns a truthy value; fails with `message` after `timeout` ms. */
export async function until<T>(check: () => T | Promise<T>, message: string, timeout = 15_000): Promise<T> {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting: ${message}`);
    await sleep(20);
  }
}

export const EVENTS = [
  's3-upload-select',
  's3-upload-start',
  's3-upload-progress',
  's3-upload-success',
  's3-upload-error',
  's3-upload-complete',
] as const;

export interface Recorded {
  type: string;
  detail: any;
  bubbles: boolean;
  composed: boolean;
  at: number;
}

/** Records every s3-upload event that reaches `target` (listening on an ancestor proves bubbling). */
export function record(target: EventTarget): Recorded[] {
  const log: Recorded[] = [];
  for (const type of EVENTS)
    target.addEventListener(type, (e) => {
      const { detail, bubbles, composed } = e as CustomEvent;
      log.push({ type, detail, bubbles, composed, at: performance.now() });
    });
  return log;
}

/** Resolves with the next `s3-upload-complete` detail. */
export const completed = (el: EventTarget, timeout = 30_000): Promise<any> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no s3-upload-complete')), timeout);
    el.addEventListener(
      's3-upload-complete',
      (e) => {
        clearTimeout(timer);
        resolve((e as CustomEvent).detail);
      },
      { once: true },
    );
  });

/** Stubs navigator.onLine (the browser stays connected; the element only sees the flag and the events). */
export function setOnline(online: boolean): void {
  Object.defineProperty(Navigator.prototype, 'onLine', { configurable: true, get: () => online });
  window.dispatchEvent(new Event(online ? 'online' : 'offline'));
}

/** Restores the real navigator.onLine getter. */
export function restoreOnline(original: PropertyDescriptor | undefined): void {
  if (original) Object.defineProperty(Navigator.prototype, 'onLine', original);
}

/**
 * An element for the tests' signer (profile `docs`, several files, a short backoff) with the bearer token,
 * plus the attributes given: `true` sets one, `false` removes one.
 */
export async function mount(attrs: Record<string, string | boolean> = {}): Promise<S3Upload> {
  const e = await env();
  const el = await fixture<S3Upload>(html`<s3-upload signer=${e.signer} profile="docs" multiple retry-delay="20"></s3-upload>`);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false) el.removeAttribute(name);
    else el.setAttribute(name, value === true ? '' : value);
  }
  el.headers = { authorization: `Bearer ${e.token}` };
  await el.updateComplete;
  return el;
}
