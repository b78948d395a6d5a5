import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Feeds an `aria-live=polite` region: messages said within `delay` ms are joined into one
 * announcement, so a burst (many files added at once) is read as one sentence.
 */
export class AnnouncerController implements ReactiveController {
  /** The live region's current text. */
  text = '';
  private pending: string[] = [];
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private host: ReactiveControllerHost,
    private delay = 150,
  ) {
    host.addController(this);
  }

  say(message: string): void {
    this.pending.push(message);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.text = this.pending.join('. ');
      this.pending = [];
      this.host.requestUpdate();
    }, this.delay);
  }

  hostDisconnected(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }
}

/** Runs `flush` with the keys marked since the last animation frame, at most once per frame. */
export class FrameThrottleController<K> implements ReactiveController {
  private keys = new Set<K>();
  private frame = 0;

  constructor(
    host: ReactiveControllerHost,
    private flush: (keys: K[]) => void,
  ) {
    host.addController(this);
  }

  mark(key: K): void {
    this.keys.add(key);
    this.frame ||= requestAnimationFrame(() => this.run());
  }

  /** Flushes now (e.g. before a success event, so the last progress comes first). */
  run(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    const keys = [...this.keys];
    this.keys.clear();
    if (keys.length) this.flush(keys);
  }

  hostDisconnected(): void {
    this.run();
  }
}
