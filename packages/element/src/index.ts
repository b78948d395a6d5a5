/**
 * `@s3-upload/element`: importing this module defines `<s3-upload>`.
 * @packageDocumentation
 */
export { S3Upload } from './s3-upload/s3-upload.js';
export { defaultMessages, fill, type Messages } from './messages.js';
export type { UploadItem, UploadError, UploadStatus } from './core/queue.js';
export type {
  S3UploadEventMap,
  S3UploadSelectDetail,
  S3UploadSelectEvent,
  S3UploadStartDetail,
  S3UploadStartEvent,
  S3UploadProgressDetail,
  S3UploadProgressEvent,
  S3UploadSuccessDetail,
  S3UploadSuccessEvent,
  S3UploadErrorDetail,
  S3UploadErrorEvent,
  S3UploadCompleteDetail,
  S3UploadCompleteEvent,
} from './events.js';
