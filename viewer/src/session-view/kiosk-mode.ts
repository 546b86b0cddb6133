/**
 * Makes the tablet behave like a kiosk while a page is viewed: the screen stays on (a Screen
 * Wake Lock, which the browser drops whenever the page is hidden, so it is taken again when the
 * page is visible again) and the first tap goes full screen (browsers allow that only in
 * response to a user's gesture). Both are best effort: they need a secure context or localhost,
 * and old WebViews lack them; every failure is ignored.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";

export interface WakeLockLike {
  request(type: "screen"): Promise<{ release(): Promise<void>; addEventListener(type: "release", listener: () => void): void }>;
}

export interface KioskModeOptions {
  /** The Screen Wake Lock API; `navigator.wakeLock` by default. */
  wakeLock?: () => WakeLockLike | undefined;
  /** Where visibility is watched and full screen requested; the page's document by default. */
  document?: Document;
}

type Sentinel = Awaited<ReturnType<WakeLockLike["request"]>>;

export class KioskMode implements ReactiveController {
  private readonly host: ReactiveControllerHost & HTMLElement;
  private readonly wakeLock: () => WakeLockLike | undefined;
  private readonly doc: Document;
  private active = false;
  private sentinel: Sentinel | null = null;
  private requesting = false;
  private fullscreenDone = false;

  constructor(host: ReactiveControllerHost & HTMLElement, options: KioskModeOptions = {}) {
    this.host = host;
    this.wakeLock = options.wakeLock ?? (() => (globalThis.navigator as Navigator & { wakeLock?: WakeLockLike }).wakeLock);
    this.doc = options.document ?? globalThis.document;
    host.addController(this);
  }

  /** Whether the screen is being kept on right now. */
  get screenKeptOn(): boolean {
    return this.sentinel !== null;
  }

  hostConnected(): void {
    this.active = true;
    this.doc.addEventListener("visibilitychange", this.onVisibility);
    // Capture: the stream view stops nothing, but a tap anywhere in the viewer counts.
    this.host.addEventListener("pointerup", this.onTap, true);
    void this.keepScreenOn();
  }

  hostDisconnected(): void {
    this.active = false;
    this.doc.removeEventListener("visibilitychange", this.onVisibility);
    this.host.removeEventListener("pointerup", this.onTap, true);
    this.releaseScreen();
  }

  /** Lets the screen sleep again (the user is leaving the page). */
  releaseScreen(): void {
    const sentinel = this.sentinel;
    this.sentinel = null;
    sentinel?.release().catch(() => undefined);
  }

  private async keepScreenOn(): Promise<void> {
    const api = this.wakeLock();
    if (!api || this.sentinel || this.requesting || this.doc.visibilityState !== "visible") return;
    this.requesting = true;
    try {
      const sentinel = await api.request("screen");
      if (!this.active) {
        sentinel.release().catch(() => undefined);
        return;
      }
      this.sentinel = sentinel;
      sentinel.addEventListener("release", () => {
        if (this.sentinel === sentinel) this.sentinel = null;
      });
    } catch {
      // Not allowed here (insecure context, battery saver, policy): the screen may sleep.
    } finally {
      this.requesting = false;
    }
  }

  private readonly onVisibility = (): void => {
    if (this.doc.visibilityState === "visible") void this.keepScreenOn();
  };

  /** The first tap (not a mouse click: a desk computer is no kiosk) makes the page full screen, once. */
  private readonly onTap = (e: PointerEvent): void => {
    if (this.fullscreenDone || e.pointerType === "mouse") return;
    const doc = this.doc;
    if (doc.fullscreenElement) {
      this.fullscreenDone = true;
      return;
    }
    const root = doc.documentElement;
    if (typeof root.requestFullscreen !== "function") {
      this.fullscreenDone = true; // Old WebViews: nothing to try again.
      return;
    }
    root.requestFullscreen({ navigationUI: "hide" }).then(
      () => {
        this.fullscreenDone = true;
      },
      () => undefined, // Refused (no user activation yet): the next tap tries again.
    );
  };
}
