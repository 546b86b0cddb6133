import { css, html, LitElement, type PropertyValues } from "lit";
import type { InputMessage, MouseButton, Viewport } from "../../../protocol/index.js";
import { clampToPage, containedBox, mapToPage, type PagePoint, type Size } from "../input/input-mapper.js";
import { keyInput } from "../input/keys.js";
import { eventTime, type FingerState, fingerState, TouchTracker } from "../input/touch-tracker.js";
import { inputEvent, SOUND_REFUSED_EVENT } from "../input/input-event.js";
import { MoveCoalescer } from "../input/move-coalescer.js";
import { scrollInput } from "../input/wheel.js";

const BUTTONS: readonly MouseButton[] = ["left", "middle", "right"];

/**
 * Shows the remote page's video and turns the user's pointer, wheel and keyboard input into
 * protocol input messages in the page's CSS pixels: fingers become `touch` messages (the page
 * gets real touch events, so its own gestures, long-press and momentum work), a mouse or pen
 * becomes `pointer` messages. It knows nothing about the network.
 *
 * @fires jiomosa-input - `CustomEvent<InputMessage>`, bubbling and composed, one per input message.
 * @fires jiomosa-sound-refused - The browser would not play with sound; the view is muted again.
 */
export class JiomosaStreamView extends LitElement {
  static override properties = {
    stream: { attribute: false },
    viewport: { attribute: false },
    focusOnPress: { attribute: false },
  };

  static override styles = css`
    :host {
      display: block;
      position: relative;
      overflow: hidden;
      background: #000;
      touch-action: none;
      user-select: none;
      -webkit-user-select: none;
      -webkit-touch-callout: none;
      -webkit-tap-highlight-color: transparent;
      outline: none;
    }
    video {
      display: block;
      width: 100%;
      height: 100%;
      object-fit: contain;
      /* Input is handled on the host; the video must not take it (long-press menus, PiP). */
      pointer-events: none;
    }
  `;

  /** The remote page's video, or null before the session streams. */
  declare stream: MediaStream | null;
  /** The remote page's size in CSS pixels; without it the video's own size is used. */
  declare viewport: Viewport | null;
  /**
   * Whether a mouse or pen press focuses the view (for a hardware keyboard). Off while the
   * keyboard bridge holds the focus for a remote text field. A finger never takes the focus:
   * that would close the soft keyboard on every tap.
   */
  declare focusOnPress: boolean;

  private mutedValue = true;
  private volumeValue = 1;
  private frames = 0;
  private frameCallback = 0;
  private frameVideo: HTMLVideoElement | null = null;
  private activePointer: number | null = null;
  private activeButton: MouseButton = "left";
  private lastPoint: PagePoint | null = null;
  private readonly moves = new MoveCoalescer((move) => this.emit(move));
  private readonly touches = new TouchTracker((message) => this.emit(message));

  constructor() {
    super();
    this.stream = null;
    this.viewport = null;
    this.focusOnPress = true;
    this.addEventListener("pointerdown", this.onPointerDown);
    this.addEventListener("pointermove", this.onPointerMove);
    this.addEventListener("pointerup", this.onPointerUp);
    this.addEventListener("pointercancel", this.onPointerUp);
    this.addEventListener("wheel", this.onWheel, { passive: false });
    this.addEventListener("keydown", this.onKeyDown);
    this.addEventListener("contextmenu", (e) => e.preventDefault());
  }

  /** The `<video>` element (for tests and diagnostics). */
  get video(): HTMLVideoElement | null {
    return this.renderRoot?.querySelector("video") ?? null;
  }

  /**
   * Whether the video's sound is off. It starts muted, which is what lets it autoplay. Mobile
   * browsers allow sound only from a user's gesture, so a new value reaches the <video> at once
   * rather than at the next render, and unmuting asks it to play again while the gesture lasts.
   */
  get muted(): boolean {
    return this.mutedValue;
  }
  set muted(value: boolean) {
    if (value === this.mutedValue) return;
    this.mutedValue = value;
    const video = this.video;
    if (!video) return;
    video.muted = value;
    if (!value && this.stream) this.play(video);
  }

  /** The video's volume, 0 to 1 (applied at once, like `muted`). */
  get volume(): number {
    return this.volumeValue;
  }
  set volume(value: number) {
    this.volumeValue = Math.min(1, Math.max(0, Number.isFinite(value) ? value : 1));
    const video = this.video;
    if (video) video.volume = this.volumeValue;
  }

  /** Video frames presented so far; counts only while connected to the document. */
  get frameCount(): number {
    const video = this.video;
    if (video && !hasFrameCallbacks(video)) return video.getVideoPlaybackQuality?.().totalVideoFrames ?? 0;
    return this.frames;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.hasAttribute("tabindex")) this.tabIndex = 0;
    if (this.hasUpdated) this.watchFrames();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unwatchFrames();
    this.moves.reset();
    this.activePointer = null;
    this.touches.reset();
  }

  override render() {
    // Muted from the start (attribute and property) so it may autoplay; the `muted` setter unmutes it later.
    return html`<video autoplay playsinline muted .muted=${this.mutedValue} .volume=${this.volumeValue} disablepictureinpicture></video>`;
  }

  protected override firstUpdated(): void {
    this.watchFrames();
  }

  protected override updated(changed: PropertyValues<this>): void {
    const video = this.video;
    if (!video || !changed.has("stream")) return;
    if (video.srcObject !== this.stream) video.srcObject = this.stream;
    // autoplay alone is not enough on some WebViews once srcObject changes.
    if (this.stream) this.play(video);
  }

  private play(video: HTMLVideoElement): void {
    video.play().catch((err: unknown) => {
      if (video.muted || (err as { name?: unknown } | null)?.name !== "NotAllowedError") return;
      // Sound is not allowed yet (no gesture since this document loaded): a silent picture beats a frozen one.
      this.mutedValue = true;
      video.muted = true;
      this.dispatchEvent(new CustomEvent(SOUND_REFUSED_EVENT, { bubbles: true, composed: true }));
      video.play().catch(() => undefined);
    });
  }

  // ---- frames -------------------------------------------------------------------------------

  private watchFrames(): void {
    const video = this.video;
    if (!video || !hasFrameCallbacks(video) || this.frameVideo) return;
    this.frameVideo = video;
    const onFrame = () => {
      this.frames += 1;
      this.frameCallback = video.requestVideoFrameCallback(onFrame);
    };
    this.frameCallback = video.requestVideoFrameCallback(onFrame);
  }

  private unwatchFrames(): void {
    if (this.frameVideo && this.frameCallback) this.frameVideo.cancelVideoFrameCallback(this.frameCallback);
    this.frameVideo = null;
    this.frameCallback = 0;
  }

  // ---- coordinates --------------------------------------------------------------------------

  /** The page size input coordinates refer to, or null while nothing is known yet. */
  private pageSize(): Size | null {
    return this.viewport ?? this.pictureSize();
  }

  private pictureSize(): Size | null {
    const video = this.video;
    if (!video || !video.videoWidth || !video.videoHeight) return null;
    return { width: video.videoWidth, height: video.videoHeight };
  }

  /** `rect` is the video's bounding box when the caller has already read it. */
  private toPage(e: { clientX: number; clientY: number }, clamp: boolean, rect?: DOMRect): PagePoint | null {
    const video = this.video;
    const page = this.pageSize();
    if (!video || !page) return null;
    const picture = this.pictureSize() ?? page;
    return (clamp ? clampToPage : mapToPage)(e.clientX, e.clientY, rect ?? video.getBoundingClientRect(), page, picture);
  }

  private emit(detail: InputMessage): void {
    this.dispatchEvent(inputEvent(detail));
  }

  // ---- pointer ------------------------------------------------------------------------------

  private readonly onPointerDown = (e: PointerEvent): void => {
    if (e.pointerType === "touch") {
      this.onTouchStart(e);
      return;
    }
    if (this.focusOnPress) this.focus({ preventScroll: true });
    if (this.activePointer !== null) return; // A second button or pen: one remote mouse pointer.
    this.moves.flush(); // A hover move still waiting for its frame happened before this press.
    const button = e.pointerType === "mouse" ? BUTTONS[e.button] : "left";
    if (!button) return; // Back/forward buttons.
    const point = this.toPage(e, false);
    if (!point) return;
    e.preventDefault();
    this.activePointer = e.pointerId;
    this.activeButton = button;
    this.lastPoint = point;
    try {
      this.setPointerCapture(e.pointerId);
    } catch {
      // The pointer is already gone (or the event was synthetic); the drag still works inside the element.
    }
    this.emit({ type: "pointer", action: "down", x: point.x, y: point.y, button });
  };

  private readonly onPointerMove = (e: PointerEvent): void => {
    if (e.pointerType === "touch") {
      const finger = this.touches.has(e.pointerId) ? this.fingerState(e) : null;
      if (finger) this.touches.move(e.pointerId, finger, eventTime(e));
      return;
    }
    let point: PagePoint | null;
    if (this.activePointer !== null) {
      if (e.pointerId !== this.activePointer) return;
      point = this.toPage(e, true);
    } else {
      if (e.pointerType !== "mouse") return; // Hover exists only for a mouse.
      point = this.toPage(e, false);
    }
    if (!point) return;
    this.lastPoint = point;
    this.moves.queue(
      this.activePointer !== null
        ? { type: "pointer", action: "move", x: point.x, y: point.y, button: this.activeButton }
        : { type: "pointer", action: "move", x: point.x, y: point.y },
    );
  };

  private readonly onPointerUp = (e: PointerEvent): void => {
    if (e.pointerType === "touch") {
      if (!this.touches.has(e.pointerId)) return;
      if (e.type === "pointercancel") this.touches.cancel(eventTime(e));
      else this.touches.end(e.pointerId, this.fingerState(e) ?? undefined, eventTime(e));
      return;
    }
    if (this.activePointer === null || e.pointerId !== this.activePointer) return;
    this.moves.flush();
    const point = (e.type === "pointercancel" ? null : this.toPage(e, true)) ?? this.lastPoint;
    const button = this.activeButton;
    this.activePointer = null;
    this.lastPoint = null;
    if (point) this.emit({ type: "pointer", action: "up", x: point.x, y: point.y, button });
  };

  // ---- touch --------------------------------------------------------------------------------

  private onTouchStart(e: PointerEvent): void {
    // No compatibility mouse events and no focus change: the keyboard bridge keeps the focus.
    e.preventDefault();
    const finger = this.fingerState(e, false);
    if (!finger) return; // In a letterbox bar.
    this.moves.flush();
    if (!this.touches.start(e.pointerId, finger, eventTime(e))) return;
    try {
      this.setPointerCapture(e.pointerId);
    } catch {
      // Synthetic or already gone; touch pointers are captured implicitly anyway.
    }
  }

  /** A finger in page pixels: position (clamped to the picture unless starting), contact radius and force. */
  private fingerState(e: PointerEvent, clamp = true): FingerState | null {
    const video = this.video;
    const page = this.pageSize();
    if (!video || !page) return null;
    const rect = video.getBoundingClientRect(); // Read once per move: it forces layout.
    const point = this.toPage(e, clamp, rect);
    if (!point) return null;
    const box = containedBox(rect, this.pictureSize() ?? page);
    return fingerState(e, point, box ? page.width / box.width : 1);
  }

  // ---- wheel --------------------------------------------------------------------------------

  private readonly onWheel = (e: WheelEvent): void => {
    e.preventDefault(); // Also stops the tablet's own pinch-zoom on ctrl+wheel.
    const page = this.pageSize();
    if (!page) return;
    const message = scrollInput(e, page, this.toPage(e, false));
    if (message) this.emit(message);
  };

  // ---- keyboard -----------------------------------------------------------------------------

  private readonly onKeyDown = (e: KeyboardEvent): void => {
    const message = keyInput(e);
    if (!message) return;
    e.preventDefault();
    this.emit(message);
  };
}

/** requestVideoFrameCallback arrived in Chrome 83; older WebViews count decoded frames instead. */
function hasFrameCallbacks(video: HTMLVideoElement): boolean {
  return typeof video.requestVideoFrameCallback === "function";
}

declare global {
  interface HTMLElementTagNameMap {
    "jiomosa-stream-view": JiomosaStreamView;
  }
  interface HTMLElementEventMap {
    "jiomosa-input": CustomEvent<InputMessage>;
    "jiomosa-sound-refused": CustomEvent<undefined>;
  }
}

customElements.define("jiomosa-stream-view", JiomosaStreamView);
