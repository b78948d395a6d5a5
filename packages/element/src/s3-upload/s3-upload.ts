import { LitElement, html, noChange, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { ProfileInfo } from '@s3-upload/protocol';
import { fileMatchesAccept, formatSize, parseSize } from '@s3-upload/protocol/rules';
import { AnnouncerController, FrameThrottleController } from '../controllers/announcer.js';
import { DropPasteController } from '../controllers/drop-paste.js';
import { NetworkStatusController } from '../controllers/network-status.js';
import { coarseStep, fileProgress, percent } from '../core/progress.js';
import { UploadQueue, isActive, snapshot, type QueueItem, type UploadItem } from '../core/queue.js';
import type { Failure } from '../core/retry.js';
import { emit } from '../events.js';
import { defaultMessages, fill, type Messages } from '../messages.js';
import { postToS3 } from '../transport/post-to-s3.js';
import { getProfile, sign, type SignerOptions } from '../transport/signer-client.js';
import { styles } from './s3-upload.styles.js';

type Item = QueueItem<File>;
type Headers = Record<string, string>;

/**
 * Uploads files straight from the page to S3 with POST policies from an s3-upload signer: a drop
 * zone, a list with progress, retries, cancel and readable errors, and a form value (the keys).
 *
 * @summary Direct, resilient, accessible uploads to S3.
 *
 * @slot dropzone - Content of the drop zone, before the "Choose files" button. Default: a hint.
 * @slot empty - Shown while the list is empty. Default: "No files yet."
 *
 * @csspart dropzone - The drop zone; it also has the part `over` while files are dragged over the element.
 * @csspart hint - The default drop-zone hint.
 * @csspart button - The "Choose files" button.
 * @csspart list - The list of files.
 * @csspart item - One file. It also has a part named after its status: `queued`, `signing`, `uploading`, `done`, `error` or `canceled`.
 * @csspart preview - An image preview.
 * @csspart name - The file name.
 * @csspart size - The file size.
 * @csspart progress - The progress bar's track (`role=progressbar`).
 * @csspart bar - The progress bar's fill.
 * @csspart state - The status text (or the error message).
 * @csspart cancel - A file's Cancel button.
 * @csspart retry - A file's Retry button.
 * @csspart remove - A file's Remove button.
 * @csspart empty - The default empty-state text.
 * @csspart live - The visually hidden `aria-live` region.
 *
 * @cssproperty [--s3-upload-accent=#1d4ed8] - Buttons, progress and focus ring (dark: #93c5fd).
 * @cssproperty [--s3-upload-on-accent=#fff] - Text on the accent colour (dark: #111827).
 * @cssproperty [--s3-upload-bg=#fff] - Background (dark: #111827).
 * @cssproperty [--s3-upload-fg=#1f2937] - Text colour (dark: #f3f4f6).
 * @cssproperty [--s3-upload-muted=#4b5563] - Secondary text (dark: #d1d5db).
 * @cssproperty [--s3-upload-border=#9ca3af] - Borders (dark: #6b7280).
 * @cssproperty [--s3-upload-error=#b91c1c] - Error text (dark: #fca5a5).
 * @cssproperty [--s3-upload-success=#15803d] - Finished uploads (dark: #86efac).
 * @cssproperty [--s3-upload-track=#e5e7eb] - Progress track (dark: #374151).
 * @cssproperty [--s3-upload-radius=8px] - Corner radius.
 * @cssproperty [--s3-upload-gap=0.75rem] - Spacing.
 * @cssproperty [--s3-upload-font=inherit] - Font shorthand.
 *
 * @fires {S3UploadSelectEvent} s3-upload-select - Files were chosen, dropped or pasted. Cancelable; change `detail.files` to filter them.
 * @fires {S3UploadStartEvent} s3-upload-start - An upload attempt begins (`detail.attempt`).
 * @fires {S3UploadProgressEvent} s3-upload-progress - A file's progress and the total, at most once per animation frame.
 * @fires {S3UploadSuccessEvent} s3-upload-success - A file landed: key, bucket, location, etag.
 * @fires {S3UploadErrorEvent} s3-upload-error - A file failed for good: code, message, retryable.
 * @fires {S3UploadCompleteEvent} s3-upload-complete - Every item has settled.
 */
export class S3Upload extends LitElement {
  static override styles = styles;
  static formAssociated = true;
  static override properties = {
    signer: {},
    profile: {},
    accept: {},
    maxSize: { attribute: 'max-size' },
    maxFiles: { attribute: 'max-files', type: Number },
    multiple: { type: Boolean },
    concurrency: { type: Number },
    retries: { type: Number },
    auto: { converter: (value: string | null) => value !== 'false' },
    disabled: { type: Boolean, reflect: true },
    name: {},
    required: { type: Boolean },
    withCredentials: { type: Boolean, attribute: 'with-credentials' },
    stallTimeout: { type: Number, attribute: 'stall-timeout' },
    retryDelay: { type: Number, attribute: 'retry-delay' },
    preview: { type: Boolean },
    messages: { attribute: false },
  };

  /** Base URL of the signer, e.g. `https://signer.example.com`. */
  signer = '';
  /** The signer profile; empty for the signer's default profile. */
  profile = '';
  /** Accepted types, e.g. `image/*,.pdf`; when absent, the profile's. */
  accept?: string;
  /** Largest file, in bytes or like `5MB`; when absent, the profile's. */
  maxSize?: string | number;
  /** Most files in the list (failed and canceled ones aside); when absent, the profile's. */
  maxFiles?: number;
  /** Take several files; otherwise a new file replaces the current one. */
  multiple = false;
  /** Uploads at the same time. */
  concurrency = 4;
  /** Retries per file (and per signing request) after transient failures. */
  retries = 5;
  /** Upload as soon as files are added; `auto="false"` waits for `start()`. */
  auto = true;
  /** Take no new files. */
  disabled = false;
  /** The form field name; the form gets one entry per uploaded key. */
  name = '';
  /** The form is invalid until at least one file is uploaded. */
  required = false;
  /** Send cookies to the signer (`credentials: 'include'`). */
  withCredentials = false;
  /** Abort and retry an attempt that makes no progress for this many ms (0: never). */
  stallTimeout = 30_000;
  /** Backoff base in ms: the n-th retry waits a random time below `retry-delay * 2^(n-1)` (at most 30 s), or Retry-After. */
  retryDelay = 1000;
  /** Show previews of image files. */
  preview = false;
  /** Headers for the signer (e.g. `Authorization`), or a function (may be async) returning them, called per request. */
  headers: Headers | (() => Headers | Promise<Headers>) = {};
  /** Per-file metadata (`x-amz-meta-*`, as the profile allows), from a function (may be async). */
  metadata?: (file: File) => Headers | undefined | Promise<Headers | undefined>;
  /** Overrides for any user-visible string (see `defaultMessages`). */
  messages: Partial<Messages> = {};

  #internals = this.attachInternals();
  #m: Messages = defaultMessages;
  #q = new UploadQueue<File>({ concurrency: 4, retries: 5, retryDelay: 1000, batch: 20, random: Math.random });
  #net = new NetworkStatusController(this, () => this.#pump());
  #live = new AnnouncerController(this);
  #frames = new FrameThrottleController<Item>(this, (items) => this.#progressed(items));
  #aborts = new Map<string, () => void>();
  #previews = new Map<string, string>();
  #said = new WeakMap<Item, number>();
  #drop = new DropPasteController(this, (files) => void this.addFiles(files), () => !this.#off);
  #info?: ProfileInfo;
  #profile?: Promise<ProfileInfo | undefined>;
  #wake?: ReturnType<typeof setTimeout>;
  #busy = false;
  #formDisabled = false;
  #seq = 0;
  /** What each row of the list showed at the last render, by position (see `#row`). */
  #rows: unknown[][] = [];

  /** The uploads, oldest first (copies). */
  get uploads(): UploadItem[] {
    return this.#q.items.map(snapshot);
  }

  /** The form the element belongs to. */
  get form(): HTMLFormElement | null {
    return this.#internals.form;
  }

  /** `valueMissing` when required and nothing is uploaded; `customError` while uploads are running. */
  get validity(): ValidityState {
    return this.#internals.validity;
  }

  /** Why the element is invalid (from `messages`), or ''. */
  get validationMessage(): string {
    return this.#internals.validationMessage;
  }

  /** As a form control's `checkValidity()`. */
  checkValidity(): boolean {
    return this.#internals.checkValidity();
  }

  /** As a form control's `reportValidity()`: shows the message on the "Choose files" button. */
  reportValidity(): boolean {
    return this.#internals.reportValidity();
  }

  /**
   * Adds files (after the cancelable `s3-upload-select`), refuses those that break the rules, and
   * uploads the rest when `auto`. Resolves with the new items.
   */
  async addFiles(files: Iterable<File> | ArrayLike<File>): Promise<UploadItem[]> {
    const detail = { files: Array.from(files).slice(0, this.multiple ? undefined : 1) };
    if (!detail.files.length || this.#off || !emit(this, 's3-upload-select', detail, true)) return [];
    const rules = await this.#rules();
    if (!this.multiple) this.clear();
    const m = this.#m;
    let count = this.#q.items.filter((i) => i.status !== 'error' && i.status !== 'canceled').length;
    const added = detail.files.map((file) => {
      const { size, name } = file;
      const [code, limit] =
        rules.accept && !fileMatchesAccept(name, file.type, rules.accept)
          ? ['type_not_allowed']
          : size > rules.maxSize
            ? ['too_large', formatSize(rules.maxSize)]
            : size < rules.minSize
              ? ['too_small', formatSize(rules.minSize)]
              : count >= rules.maxFiles
                ? ['too_many_files', rules.maxFiles]
                : (count++, []);
      const error = code ? { code, message: fill(m[code as keyof Messages], { limit: limit! }), retryable: false } : undefined;
      const item = this.#q.add(`${++this.#seq}`, file, size, !this.auto, error);
      if (error) this.#failed(item);
      else this.#live.say(fill(m.added, { name }));
      return item;
    });
    const result = added.map(snapshot);
    this.#busy = true;
    this.#pump();
    return result;
  }

  /** Starts the queued files (needed when `auto` is off). */
  start(): void {
    this.#q.start();
    this.#pump();
  }

  /** Cancels one file, or every active one; a canceled file reports nothing more. */
  cancel(id?: string): void {
    for (const item of this.#pick(id)) if (this.#q.cancel(item)) this.#aborts.get(item.id)?.();
    this.#pump();
  }

  /** Queues a failed (retryable) or canceled file again, or all of them. */
  retry(id?: string): void {
    for (const item of this.#pick(id)) if (this.#q.retry(item)) this.#busy = true;
    this.#pump();
  }

  /** Cancels and removes one file, revoking its preview. Without an id, removes the element itself (as `Element.remove()`). */
  override remove(id?: string): void {
    if (id === undefined) return super.remove();
    const item = this.#q.find(id);
    if (!item) return;
    if (this.#q.cancel(item)) this.#aborts.get(id)?.();
    this.#q.remove(id);
    this.#revoke(id);
    this.#pump();
  }

  /** Cancels and removes every file. */
  clear(): void {
    for (const item of this.#pick()) this.remove(item.id);
  }

  /** @internal A form reset clears the list. */
  formResetCallback(): void {
    this.clear();
  }

  /** @internal A disabled fieldset or form disables the element. */
  formDisabledCallback(disabled: boolean): void {
    this.#formDisabled = disabled;
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const id of [...this.#previews.keys()]) this.#revoke(id);
  }

  get #off(): boolean {
    return this.disabled || this.#formDisabled;
  }

  get #button(): HTMLButtonElement {
    return this.renderRoot.querySelector('button')!;
  }

  #pick(id?: string): Item[] {
    return this.#q.items.filter((i) => id === undefined || i.id === id);
  }

  #revoke(id: string): void {
    const url = this.#previews.get(id);
    if (url) URL.revokeObjectURL(url);
    this.#previews.delete(id);
  }

  #signerOptions(headers: Headers = {}): SignerOptions {
    return { signer: this.signer, headers, withCredentials: this.withCredentials, timeout: this.stallTimeout, messages: this.#m };
  }

  /** The profile's public rules (the default profile's when none is named), fetched once per signer and profile: limits and batch size. */
  #loadProfile(): Promise<ProfileInfo | undefined> | undefined {
    if (!this.signer) return;
    return (this.#profile ??= getProfile(this.profile, this.#signerOptions()).then(
      (info) => {
        this.#info = info;
        this.requestUpdate();
        return info;
      },
      () => (this.#profile = undefined),
    ));
  }

  async #rules() {
    const info = await this.#loadProfile();
    if (info) this.#q.options.batch = info.maxFiles;
    return {
      accept: this.accept?.split(',').map((a) => a.trim()) ?? info?.accept,
      maxSize: this.maxSize != null ? parseSize(this.maxSize) : (info?.maxSize ?? Infinity),
      minSize: info?.minSize ?? 0,
      maxFiles: this.maxFiles ?? info?.maxFiles ?? Infinity,
    };
  }

  /** Starts what can start: one signing request, then uploads up to `concurrency`; wakes up for backoffs. */
  #pump(): void {
    const q = this.#q;
    clearTimeout(this.#wake);
    Object.assign(q.options, { concurrency: Math.max(1, this.concurrency), retries: Math.max(0, this.retries), retryDelay: this.retryDelay });
    if (this.#net.online) {
      const now = Date.now();
      const batch = q.toSign(now);
      if (batch.length) void this.#sign(batch);
      for (const item of q.toUpload(now)) this.#upload(item);
      const wake = q.nextWake(now);
      if (wake) this.#wake = setTimeout(() => this.#pump(), wake - now);
    }
    if (this.#busy && q.settled()) {
      this.#busy = false;
      const uploads = this.uploads;
      const count = (status: string) => uploads.filter((u) => u.status === status).length;
      emit(this, 's3-upload-complete', { uploads, succeeded: count('done'), failed: count('error'), canceled: count('canceled') });
    }
    this.requestUpdate();
  }

  async #sign(batch: Item[]): Promise<void> {
    const q = this.#q;
    q.signing(batch);
    try {
      const headers = typeof this.headers === 'function' ? await this.headers() : this.headers;
      const files = await Promise.all(
        batch.map(async ({ file }) => {
          const metadata = await this.metadata?.(file);
          return { name: file.name, type: file.type, size: file.size, ...(metadata && { metadata }) };
        }),
      );
      // Expiry on this page's clock, so a skewed clock cannot matter: from when the request left, less the
      // second that S3 policy expirations are truncated to.
      const sent = Date.now() - 1000;
      const { uploads } = await sign({ ...(this.profile && { profile: this.profile }), files }, this.#signerOptions(headers));
      const now = Date.now();
      batch.forEach((item, i) => {
        const entry = uploads[i];
        if (entry && 'url' in entry) return q.signed(item, { ...entry, expiresAt: sent + entry.expiresIn * 1000, signedAt: now });
        q.refused(item, { code: 'signer', message: fill(this.#m.signer, { code: 'signer' }), retryable: false, ...entry?.error });
        if (item.status === 'error') this.#failed(item);
      });
    } catch (error) {
      const failure = (error as Failure).code
        ? (error as Failure)
        : { code: 'error', message: String((error as Error).message ?? error), status: 0, retryable: false };
      for (const item of q.signFailed(batch, failure, Date.now(), !navigator.onLine)) this.#failed(item);
    }
    this.#pump();
  }

  #upload(item: Item): void {
    const q = this.#q;
    const run = q.begin(item);
    const { id, file } = item;
    const { done, abort } = postToS3(item.sig!, file, {
      stallTimeout: this.stallTimeout,
      messages: this.#m,
      onProgress: (loaded, total) => {
        if (!q.current(item, run)) return;
        item.loaded = fileProgress(loaded, total, item.total);
        this.#frames.mark(item);
      },
    });
    this.#aborts.set(id, abort);
    emit(this, 's3-upload-start', { id, file, attempt: item.attempts });
    done
      .then(
        (landed) => {
          if (!q.current(item, run)) return;
          q.succeed(item, landed);
          this.#frames.mark(item);
          this.#frames.run();
          emit(this, 's3-upload-success', { id, file, ...landed });
          this.#live.say(fill(this.#m.finished, { name: file.name }));
        },
        (failure: Failure) => {
          if (q.current(item, run) && q.fail(item, failure, Date.now(), !navigator.onLine) === 'error') this.#failed(item);
        },
      )
      .finally(() => {
        if (this.#aborts.get(id) === abort) this.#aborts.delete(id);
        this.#pump();
      });
  }

  #failed(item: Item): void {
    const error = item.error!;
    emit(this, 's3-upload-error', { id: item.id, file: item.file, ...error });
    this.#live.say(fill(this.#m.failed, { name: item.file.name, message: error.message }));
  }

  /** Once per frame: progress events, coarse announcements (25/50/75%), one render. */
  #progressed(items: Item[]): void {
    const { loaded: totalLoaded, total: totalSize } = this.#q.totals();
    for (const item of items) {
      const { id, file, loaded, total, status } = item;
      if (status !== 'uploading' && status !== 'done') continue;
      emit(this, 's3-upload-progress', { id, file, loaded, total, totalLoaded, totalSize });
      const now = percent(loaded, total, status === 'done');
      const step = coarseStep(this.#said.get(item) ?? 0, now);
      if (step && status === 'uploading') this.#live.say(fill(this.#m.progressed, { name: file.name, percent: step }));
      this.#said.set(item, now);
    }
    this.requestUpdate();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('messages')) this.#m = { ...defaultMessages, ...this.messages };
    if (changed.has('signer') || changed.has('profile')) {
      this.#profile = this.#info = undefined;
      void this.#loadProfile();
    }
  }

  protected override updated(): void {
    const m = this.#m;
    const keys = this.#q.items.filter((i) => i.status === 'done').map((i) => i.key!);
    const value = new FormData();
    for (const key of keys) value.append(this.name, key);
    this.#internals.setFormValue(this.name && keys.length ? value : null);
    const busy = !this.#q.settled();
    const missing = this.required && !keys.length;
    this.#internals.setValidity({ customError: busy, valueMissing: missing && !busy }, busy ? m.busy : missing ? m.required : '', this.#button);
  }

  #status(item: Item): string {
    const m = this.#m;
    switch (item.status) {
      case 'queued':
        return item.held ? m.ready : !this.#net.online ? m.offline : item.retryAt > Date.now() ? m.retrying : m.queued;
      case 'uploading':
        return fill(m.uploading, { percent: percent(item.loaded, item.total) });
      case 'error':
        return item.error!.message;
      default:
        return m[item.status];
    }
  }

  #action(item: Item, action: 'cancel' | 'retry' | 'remove'): TemplateResult {
    const onClick = (): void => {
      this[action](item.id);
      if (action === 'remove') this.#button.focus();
    };
    return html`<button part=${action} type="button" aria-label=${fill(this.#m[`${action}Label`], { name: item.file.name })} @click=${onClick}>
      ${this.#m[action]}
    </button>`;
  }

  #row(item: Item, index: number): TemplateResult | typeof noChange {
    const m = this.#m;
    const { file, status, loaded, total } = item;
    let preview = this.#previews.get(item.id);
    if (!preview && this.preview && file.type.startsWith('image/')) this.#previews.set(item.id, (preview = URL.createObjectURL(file)));
    // Everything the row shows: when the same item showed the same at this position, the row stays as it is.
    const last = this.#rows[index];
    const shown = (this.#rows[index] = [item, m, status, loaded, item.error, item.held, this.#net.online, item.retryAt > Date.now(), preview]);
    if (shown.every((v, i) => v === last?.[i])) return noChange;
    const pct = percent(loaded, total, status === 'done');
    const active = isActive(item);
    return html`<li part="item ${status}" class=${status}>
      ${preview ? html`<img part="preview" src=${preview} alt="" />` : nothing}
      <span part="name">${file.name}</span>
      <span part="size">${formatSize(total)}</span>
      ${active ? this.#action(item, 'cancel') : nothing}
      ${status === 'canceled' || item.error?.retryable ? this.#action(item, 'retry') : nothing}
      ${active ? nothing : this.#action(item, 'remove')}
      <div
        part="progress"
        role="progressbar"
        aria-label=${fill(m.progress, { name: file.name })}
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow=${pct}
        aria-valuetext=${fill(m.progressText, { percent: pct, loaded: formatSize(loaded), size: formatSize(total) })}
      >
        <div part="bar" .style=${`inline-size:${pct}%`}></div>
      </div>
      <span part="state">${this.#status(item)}</span>
    </li>`;
  }

  protected override render(): TemplateResult {
    const m = this.#m;
    const items = this.#q.items;
    this.#rows.length = items.length;
    const accept = this.accept ?? this.#info?.accept.join(',');
    return html`
      <div part=${this.#drop.over ? 'dropzone over' : 'dropzone'}>
        <slot name="dropzone"><span part="hint">${m.hint}</span></slot>
        <button part="button" type="button" ?disabled=${this.#off} @click=${() => this.renderRoot.querySelector('input')!.click()}>
          ${m.choose}
        </button>
        <input
          type="file"
          hidden
          ?multiple=${this.multiple}
          accept=${accept ?? nothing}
          @change=${(e: Event) => {
            const input = e.target as HTMLInputElement;
            void this.addFiles(input.files!);
            input.value = '';
          }}
        />
      </div>
      ${items.length
        ? html`<ul part="list" aria-label=${m.list}>
            ${items.map((item, i) => this.#row(item, i))}
          </ul>`
        : html`<slot name="empty"><p part="empty">${m.empty}</p></slot>`}
      <div part="live" role="status" aria-live="polite">${this.#live.text}</div>
    `;
  }
}

if (!customElements.get('s3-upload')) customElements.define('s3-upload', S3Upload);
