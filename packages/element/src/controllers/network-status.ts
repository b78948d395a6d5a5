import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Tracks `navigator.onLine` and calls back when the browser comes back online. */
export class NetworkStatusController implements ReactiveController {
  /** `navigator.onLine` as last reported. */
  online = navigator.onLine;

  constructor(
    private host: ReactiveControllerHost,
    private onOnline: () => void,
  ) {
    host.addController(this);
  }

  private update = (): void => {
    this.online = navigator.onLine;
    this.host.requestUpdate();
    if (this.online) this.onOnline();
  };

  hostConnected(): void {
    addEventListener('online', this.update);
    addEventListener('offline', this.update);
    this.online = navigator.onLine;
  }

  hostDisconnected(): void {
    removeEventListener('online', this.update);
    removeEventListener('offline', this.update);
  }
}
