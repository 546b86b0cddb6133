/**
 * What a tablet's network and screen do to a live session, as three signals for the session
 * controller: the network went away, it came back, and the page became visible again (the
 * tablet woke up, or the user switched back to the viewer). The controller decides what each
 * means; this only owns the listeners, so that `stop()` leaves nothing behind.
 */

/** Where the signals come from; tests pass plain EventTargets. */
export interface NetworkEnvironment {
  /** Fires "online" and "offline". */
  window: EventTarget;
  /** Fires "visibilitychange"; `visibilityState` is read then. */
  document: EventTarget & { readonly visibilityState: string };
  /** `navigator.onLine`: false only when the tablet has no network connection at all. */
  online(): boolean;
}

export interface NetworkWatchEvents {
  offline(): void;
  online(): void;
  /** The page became visible; timers and sockets may have been frozen while it was not. */
  visible(): void;
}

/** The page's own window, document and navigator. */
export function browserEnvironment(): NetworkEnvironment {
  return {
    window: globalThis.window,
    document: globalThis.document,
    online: () => globalThis.navigator?.onLine !== false,
  };
}

export class NetworkWatch {
  private started = false;

  constructor(
    private readonly environment: NetworkEnvironment,
    private readonly events: NetworkWatchEvents,
  ) {}

  get online(): boolean {
    return this.environment.online();
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.environment.window.addEventListener("offline", this.onOffline);
    this.environment.window.addEventListener("online", this.onOnline);
    this.environment.document.addEventListener("visibilitychange", this.onVisibility);
  }

  /** Removes the listeners. Safe to call twice. */
  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.environment.window.removeEventListener("offline", this.onOffline);
    this.environment.window.removeEventListener("online", this.onOnline);
    this.environment.document.removeEventListener("visibilitychange", this.onVisibility);
  }

  private readonly onOffline = (): void => this.events.offline();
  private readonly onOnline = (): void => this.events.online();
  private readonly onVisibility = (): void => {
    if (this.environment.document.visibilityState === "visible") this.events.visible();
  };
}
