/** The events of `<s3-upload>`: names, detail types, and the global type maps. */
import type { UploadItem } from './core/queue.js';
import type { S3Upload } from './s3-upload/s3-upload.js';

/** `s3-upload-select` (cancelable): files were chosen, dropped or pasted. Replace or filter `files` to change what is added; `preventDefault()` adds nothing. */
export interface S3UploadSelectDetail {
  files: File[];
}

/** `s3-upload-start`: an upload attempt of one file begins. */
export interface S3UploadStartDetail {
  id: string;
  file: File;
  /** 1 for the first attempt. */
  attempt: number;
}

/** `s3-upload-progress`: one file's progress plus the total, at most once per animation frame per file. */
export interface S3UploadProgressDetail {
  id: string;
  file: File;
  loaded: number;
  total: number;
  /** Over every file that is not canceled or failed. */
  totalLoaded: number;
  totalSize: number;
}

/** `s3-upload-success`: one file landed. */
export interface S3UploadSuccessDetail {
  id: string;
  file: File;
  key: string;
  bucket: string;
  location: string;
  /** '' when the storage did not say. */
  etag: string;
}

/** `s3-upload-error`: one file failed for good (after its retries). */
export interface S3UploadErrorDetail {
  id: string;
  file: File;
  code: string;
  message: string;
  /** Whether `retry(id)` may help. */
  retryable: boolean;
  /** HTTP status of the last answer; 0 when none arrived. */
  status?: number;
}

/** `s3-upload-complete`: every item has settled (done, failed or canceled). */
export interface S3UploadCompleteDetail {
  uploads: UploadItem[];
  succeeded: number;
  failed: number;
  canceled: number;
}

export type S3UploadSelectEvent = CustomEvent<S3UploadSelectDetail>;
export type S3UploadStartEvent = CustomEvent<S3UploadStartDetail>;
export type S3UploadProgressEvent = CustomEvent<S3UploadProgressDetail>;
export type S3UploadSuccessEvent = CustomEvent<S3UploadSuccessDetail>;
export type S3UploadErrorEvent = CustomEvent<S3UploadErrorDetail>;
export type S3UploadCompleteEvent = CustomEvent<S3UploadCompleteDetail>;

export interface S3UploadEventMap {
  's3-upload-select': S3UploadSelectEvent;
  's3-upload-start': S3UploadStartEvent;
  's3-upload-progress': S3UploadProgressEvent;
  's3-upload-success': S3UploadSuccessEvent;
  's3-upload-error': S3UploadErrorEvent;
  's3-upload-complete': S3UploadCompleteEvent;
}

/** Dispatches a typed event that bubbles and is composed; returns false when it was canceled. */
export const emit = <K extends keyof S3UploadEventMap>(
  target: EventTarget,
  type: K,
  detail: S3UploadEventMap[K]['detail'],
  cancelable = false,
): boolean => target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable }));

declare global {
  interface HTMLElementEventMap extends S3UploadEventMap {}
  interface HTMLElementTagNameMap {
    's3-upload': S3Upload;
  }
}
