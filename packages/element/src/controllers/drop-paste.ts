import type { ReactiveController, ReactiveElement } from 'lit';

/** Takes files dropped on or pasted into the host; `over` is true while files are dragged over it. */
export class DropPasteController implements ReactiveController {
  /** Files are being dragged over the host. */
  over = false;

  constructor(
    private host: ReactiveElement,
    private onFiles: (files: File[]) => void,
    private enabled: () => boolean,
  ) {
    host.addController(this);
  }

  private handle = (e: Event): void => {
    const data = (e as DragEvent).dataTransfer ?? (e as ClipboardEvent).clipboardData;
    if (!this.enabled() || !data?.types.includes('Files')) return;
    e.preventDefault();
    const over = e.type === 'dragover' || e.type === 'dragenter';
    if (over !== this.over) {
      this.over = over;
      this.host.requestUpdate();
    }
    if (e.type === 'drop' || e.type === 'paste') this.onFiles([...data.files]);
  };

  private leave = (e: DragEvent): void => {
    if (this.over && !this.host.contains(e.relatedTarget as Node | null)) {
      this.over = false;
      this.host.requestUpdate();
    }
  };

  hostConnected(): void {
    for (const type of ['dragenter', 'dragover', 'drop', 'paste']) this.host.addEventListener(type, this.handle);
    this.host.addEventListener('dragleave', this.leave);
  }

  hostDisconnected(): void {
    for (const type of ['dragenter', 'dragover', 'drop', 'paste']) this.host.removeEventListener(type, this.handle);
    this.host.removeEventListener('dragleave', this.leave);
  }
}
