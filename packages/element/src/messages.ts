/**
 * Every user-visible string of `<s3-upload>`. Override any of them through the `messages` property
 * (for i18n); `{name}`-style placeholders are filled in. Plain strings only, so a translation can be
 * loaded from JSON.
 */
export const defaultMessages = {
  /** The drop-zone hint (default content of the `dropzone` slot). */
  hint: 'Drop or paste files here, or',
  /** The button that opens the file picker. */
  choose: 'Choose files',
  /** Default content of the `empty` slot. */
  empty: 'No files yet.',
  /** Accessible name of the list. */
  list: 'Uploads',
  /** Accessible name of a progress bar. `{name}` */
  progress: 'Upload of {name}',
  /** Value text of a progress bar. `{percent}`, `{loaded}`, `{size}` */
  progressText: '{percent}%, {loaded} of {size}',
  /** Status texts. */
  ready: 'Ready',
  queued: 'Waiting',
  offline: 'Offline, waiting',
  retrying: 'Retrying soon',
  signing: 'Preparing',
  uploading: 'Uploading {percent}%',
  done: 'Uploaded',
  canceled: 'Canceled',
  /** Per-item buttons: visible text and accessible name (`{name}`). */
  cancel: 'Cancel',
  cancelLabel: 'Cancel {name}',
  retry: 'Retry',
  retryLabel: 'Retry {name}',
  remove: 'Remove',
  removeLabel: 'Remove {name}',
  /** Live-region announcements. `{name}`, `{percent}`, `{message}` */
  added: '{name} added',
  finished: '{name} uploaded',
  failed: '{name} failed: {message}',
  progressed: '{name} {percent}%',
  /** Validity messages for forms. */
  required: 'Please upload at least one file.',
  busy: 'Please wait until the uploads finish.',
  /** Refused before signing, from the profile or the attributes. `{limit}` */
  type_not_allowed: 'This file type is not allowed.',
  too_large: 'The file is larger than {limit}.',
  too_small: 'The file is smaller than {limit}.',
  too_many_files: 'Too many files: at most {limit}.',
  /** S3 answers, by S3 error code. `{code}` */
  EntityTooLarge: 'Storage refused the file: too large.',
  EntityTooSmall: 'Storage refused the file: too small. Did it change after it was chosen?',
  AccessDenied: 'Storage refused the upload (access denied).',
  expired: 'The upload permission expired.',
  InvalidPolicyDocument: 'Storage refused the upload policy.',
  SlowDown: 'Storage is busy. Try again later.',
  InternalError: 'Storage had an internal error.',
  storage: 'Storage refused the upload ({code}).',
  /** Any other 5xx from storage or a gateway in front of it. `{code}` */
  unavailable: 'Storage is unavailable right now ({code}).',
  /** Transfer failures. `{origin}` */
  network: 'Could not reach storage, or the connection was lost.',
  stalled: 'The upload stalled.',
  timeout: 'The request timed out.',
  unreachable: 'Cannot reach the signer at {origin}: it is down or its CORS settings block this page.',
  signer: 'The signer failed ({code}).',
};

export type Messages = typeof defaultMessages;

/** Fills `{key}` placeholders. Unknown keys become ''. */
export const fill = (text: string, vars: Record<string, string | number> = {}): string =>
  text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
