/**
 * Keeps the remote page's viewport the size of the tablet's stream area, so the picture fills
 * it without bars: a rotation, the soft keyboard or the navigation bar appearing changes the
 * area, and after a short quiet spell one `resize` message asks the renderer to follow.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { ResizeInput, Viewport } from "../../../protocol/index.js";
import { rendererViewport, sameSize } from "../connection/session-api.js";
import { browserTimers, type Timers } from "../connection/timers.js";

/** A rotation fires several sizes in a row; only the last one, this long after, is sent. */
export const RESIZE_DEBOUNCE_MS = 150;

export type ResizeObserverConstructor = new (callback: ResizeObserverCallback) => ResizeObserver;

export interface ViewportFollowerOptions {
  /** The element the video fills; looked up after every render of the host. */
  element: () => Element | null;
  /** The page's viewport as the renderer last reported it. */
  viewport: () => Viewport | null;
  /** Sends the resize; false when input cannot flow right now (it is asked again on the next connection). */
  send: (input: ResizeInput) => boolean;
  ResizeObserver?: ResizeObserverConstructor;
  timers?: Timers;
}

export class ViewportFollower implements ReactiveController {
  private readonly options: ViewportFollowerOptions;
  private readonly timers: Timers;
  private readonly ResizeObserverCtor: ResizeObserverConstructor | undefined;
  private observer: ResizeObserver | null = null;
  private observed: Element | null = null;
  private debounceTimer: unknown;
  /** The last size asked for on this connection (the renderer's answer may still be on its way). */
  private requested: Viewport | null = null;

  constructor(host: ReactiveControllerHost, options: ViewportFollowerOptions) {
    this.options = options;
    this.timers = options.timers ?? browserTimers;
    this.ResizeObserverCtor = options.ResizeObserver ?? globalThis.ResizeObserver;
    host.addController(this);
  }

  /** The stream area's CSS size now, or null before it is laid out. */
  size(): Viewport | null {
    const element = this.options.element();
    if (!element) return null;
    const rect = element.getBoundingClientRect();
    return rect.width > 0 && rect.height > 0 ? { width: rect.width, height: rect.height } : null;
  }

  hostUpdated(): void {
    const element = this.options.element();
    if (element === this.observed || !this.ResizeObserverCtor) return;
    this.observer?.disconnect();
    this.observed = element;
    if (!element) return;
    this.observer ??= new this.ResizeObserverCtor(() => this.schedule());
    this.observer.observe(element);
  }

  hostDisconnected(): void {
    this.observer?.disconnect();
    this.observer = null;
    this.observed = null;
    this.clearTimer();
  }

  /** A new input channel: the renderer's viewport is whatever the session had; ask again if it differs. */
  connectionOpened(): void {
    this.requested = null;
    this.sync();
  }

  /**
   * Asks for the stream area's size when the page's differs. At most one request per size and
   * connection, so a renderer that answers with another size is not asked in a loop.
   */
  sync(): void {
    this.clearTimer();
    const wanted = rendererViewport(this.size());
    if (!wanted || sameSize(wanted, this.requested ?? this.options.viewport())) return;
    if (this.options.send({ type: "resize", width: wanted.width, height: wanted.height })) this.requested = wanted;
  }

  private schedule(): void {
    this.clearTimer();
    this.debounceTimer = this.timers.setTimeout(() => {
      this.debounceTimer = undefined;
      this.sync();
    }, RESIZE_DEBOUNCE_MS);
  }

  private clearTimer(): void {
    if (this.debounceTimer !== undefined) this.timers.clearTimeout(this.debounceTimer);
    this.debounceTimer = undefined;
  }
}
