import { html, LitElement, nothing, type PropertyValues } from "lit";
import type { InputMessage, PageChannelEvent } from "../../../protocol/index.js";
import "./key-bar.js";
import "./keyboard-bridge.js";
import type { JiomosaKeyboardBridge } from "./keyboard-bridge.js";
import { KioskMode } from "./kiosk-mode.js";
import { LinkQualityController } from "../connection/link-quality.js";
import { navBarStyles, renderNavBar } from "./nav-bar.js";
import "./page-dialog.js";
import { RemotePage } from "./remote-page.js";
import "./select-picker.js";
import { SessionController, type SessionControllerOptions, type SessionStatus } from "../connection/session-controller.js";
import "../sound/sound-control.js";
import type { SoundChange } from "../sound/sound-control.js";
import { SoundController } from "../sound/sound-controller.js";
import { browserTimers, type Timers } from "../connection/timers.js";
import "./stream-view.js";
import type { JiomosaStreamView } from "./stream-view.js";
import { viewerStyles } from "./viewer-styles.js";
import { ViewportFollower } from "./viewport-follower.js";

/** Where the home button goes. */
const HOME_PATH = "/";

const STATUS_TITLES: Record<SessionStatus, string> = {
  creating: "Starting…",
  connecting: "Connecting…",
  streaming: "",
  reconnecting: "Reconnecting…",
  offline: "Offline",
  error: "Cannot open this page",
  closed: "Session closed",
};

/** Whether the main pointer is a finger; `matches` follows the device, so one query serves every call. */
const COARSE_POINTER: MediaQueryList | undefined = globalThis.matchMedia?.("(pointer: coarse)");

const WAITING: ReadonlySet<SessionStatus> = new Set<SessionStatus>(["creating", "connecting", "reconnecting", "offline"]);

/** The network parts of a session, replaceable in tests (everything but what the viewer wires itself). */
export type ViewerConnection = Omit<SessionControllerOptions, "target" | "viewportSize" | "onPageEvent" | "onChannelOpen">;

/**
 * One remote page, full screen: creates (or rejoins) a renderer session for a kiosk or URL,
 * shows its stream below a navigation bar and sends the user's input back. What the picture
 * cannot show is rendered here: the soft keyboard's bridge and key bar, <select> pickers, JS
 * dialogs, notices and, for a session with sound, the sound control. Every element's
 * `jiomosa-input` event is forwarded to the session and keeps bubbling, so a page can observe it.
 */
export class JiomosaViewer extends LitElement {
  static override properties = {
    kiosk: { type: String },
    url: { type: String },
    connection: { attribute: false },
    touchScreen: { attribute: false },
  };

  static override styles = [viewerStyles, navBarStyles];

  /** Id of a configured kiosk to open. */
  declare kiosk: string;
  /** A URL to open instead of a kiosk (the renderer's URL policy applies). */
  declare url: string;
  /** Test seam: the session's fetch, WebSocket, RTCPeerConnection, timers, storage, environment. Read when first connected. */
  declare connection: ViewerConnection;
  /** Whether this is a touch screen (the key bar shows while typing); null asks `(pointer: coarse)`. */
  declare touchScreen: boolean | null;

  private session!: SessionController;
  private sound!: SoundController;
  private linkQuality!: LinkQualityController;
  private readonly remote = new RemotePage(this);
  private readonly kioskMode = new KioskMode(this);
  private readonly follower: ViewportFollower;
  private lastStatus: SessionStatus | null = null;

  constructor() {
    super();
    this.kiosk = "";
    this.url = "";
    this.connection = {};
    this.touchScreen = null;
    this.follower = new ViewportFollower(this, {
      element: () => this.streamView,
      viewport: () => this.session?.viewport ?? null,
      send: (input) => this.session?.send(input) ?? false,
      // Looked up per call: `connection` (and its timers) is set after the constructor runs.
      timers: {
        setTimeout: (callback, ms) => this.timers().setTimeout(callback, ms),
        clearTimeout: (handle) => this.timers().clearTimeout(handle),
        setInterval: (callback, ms) => this.timers().setInterval(callback, ms),
        clearInterval: (handle) => this.timers().clearInterval(handle),
      },
    });
  }

  private timers(): Timers {
    return this.connection.timers ?? browserTimers;
  }

  override connectedCallback(): void {
    // Created on first connect rather than in the constructor, so `connection` can be set first.
    this.session ??= new SessionController(this, {
      ...this.connection,
      target: () => ({ kiosk: this.kiosk || undefined, url: this.url || undefined }),
      viewportSize: () => this.follower.size(),
      onPageEvent: (event) => this.onPageEvent(event),
      onChannelOpen: () => {
        this.remote.connectionOpened();
        this.sound.connectionOpened();
        this.keyboardBridge?.close();
        this.follower.connectionOpened();
      },
    });
    this.linkQuality ??= new LinkQualityController(this, () => this.session.videoStats(), this.connection.timers ?? browserTimers);
    this.sound ??= new SoundController(this, {
      stream: () => this.session.stream,
      output: () => this.streamView,
      storage: this.connection.storage,
    });
    super.connectedCallback();
  }

  private get streamView(): JiomosaStreamView | null {
    return this.renderRoot?.querySelector("jiomosa-stream-view") ?? null;
  }

  private get keyboardBridge(): JiomosaKeyboardBridge | null {
    return this.renderRoot?.querySelector("jiomosa-keyboard-bridge") ?? null;
  }

  override render() {
    const session = this.session;
    const remote = this.remote;
    const navigationBar = session.ui.navigationBar;
    const keyBar = this.isTouchScreen() && remote.focus.editable && session.status === "streaming";
    return html`
      <div class="layout">
        ${navigationBar ? renderNavBar({ page: remote.page, start: this.renderExit(true), end: this.renderSound(false), onInput: this.onInput }) : nothing}
        <div class="stream-area">
          <jiomosa-stream-view
            .stream=${session.stream}
            .viewport=${session.viewport}
            .focusOnPress=${!remote.focus.editable}
            @jiomosa-input=${this.onInput}
          ></jiomosa-stream-view>
          ${this.renderOverlay()} ${this.renderNotices()} ${this.renderWeakLink()}
        </div>
        ${keyBar ? html`<jiomosa-key-bar @jiomosa-input=${this.onInput}></jiomosa-key-bar>` : nothing}
      </div>
      ${navigationBar ? nothing : html`${this.renderExit(false)}${this.renderSound(true)}`}
      <jiomosa-keyboard-bridge @jiomosa-input=${this.onInput}></jiomosa-keyboard-bridge>
      <jiomosa-select-picker .request=${remote.select} @jiomosa-input=${this.onInput}></jiomosa-select-picker>
      <jiomosa-page-dialog
        .dialog=${remote.dialogs[0] ?? null}
        .origin=${hostOf(remote.page?.url)}
        @jiomosa-input=${this.onInput}
      ></jiomosa-page-dialog>
    `;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const status = this.session.status;
    // Focus the stream once it shows, so a hardware keyboard works without a tap first.
    if (status === "streaming" && this.lastStatus !== "streaming" && !this.keyboardBridge?.active) {
      this.streamView?.focus({ preventScroll: true });
    }
    this.lastStatus = status;
  }

  /** The exit to the launcher: in the navigation bar when there is one, else floating top-left. */
  private renderExit(inBar: boolean) {
    return html`<button class="home ${inBar ? "in-bar" : ""}" title="Home: all kiosks" aria-label="Home" @click=${this.goHome}>
      <svg viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M4 4h7v7H4zm9 0h7v7h-7zM4 13h7v7H4zm9 0h7v7h-7z" /></svg>
    </button>`;
  }

  /** The sound control, only for a stream with sound: in the navigation bar, else floating top-right. */
  private renderSound(floating: boolean) {
    const sound = this.sound;
    if (!sound.available) return nothing;
    return html`<jiomosa-sound-control
      ?floating=${floating}
      .muted=${sound.muted}
      .volume=${sound.volume}
      .playing=${sound.playing}
      .hint=${sound.needsTap}
      @jiomosa-sound-change=${this.onSoundChange}
    ></jiomosa-sound-control>`;
  }

  private renderOverlay() {
    const { status, statusMessage, notice } = this.session;
    if (status === "streaming") return nothing;
    return html`<div class="overlay ${status}" role=${status === "error" ? "alert" : "status"} aria-live="polite" data-status=${status}>
      ${WAITING.has(status) ? html`<div class="spinner" aria-hidden="true"></div>` : nothing}
      <div class="title">${STATUS_TITLES[status]}</div>
      ${statusMessage ? html`<div class="message">${statusMessage}</div>` : nothing}
      ${notice ? html`<div class="message">${notice}</div>` : nothing}
      ${status === "error" || status === "closed" ? html`<button class="retry" @click=${() => this.session.retry()}>Try again</button>` : nothing}
    </div>`;
  }

  /** A thin line over the picture while the link drops or stalls frames; it leaves by itself. */
  private renderWeakLink() {
    if (!this.linkQuality.weak || this.session.status !== "streaming") return nothing;
    return html`<div class="weak-link" role="status" aria-live="polite">Weak connection: the picture may pause</div>`;
  }

  private renderNotices() {
    const sessionNotice = this.session.status === "streaming" ? this.session.notice : null;
    const notices = this.remote.notices;
    if (!sessionNotice && notices.length === 0) return nothing;
    return html`<div class="notices" role="status" aria-live="polite">
      ${sessionNotice ? html`<div class="notice" data-code="connection">${sessionNotice}</div>` : nothing}
      ${notices.map((n) => html`<div class="notice" data-code=${n.code}>${n.message}</div>`)}
    </div>`;
  }

  private isTouchScreen(): boolean {
    return this.touchScreen ?? COARSE_POINTER?.matches ?? false;
  }

  private onPageEvent(event: PageChannelEvent): void {
    if (event.type === "audio") {
      this.sound.setPlaying(event.playing);
      return;
    }
    this.remote.apply(event);
    if (event.type !== "focus") return;
    const bridge = this.keyboardBridge;
    if (event.editable) {
      // Now, not after a render: the tap that focused the field still counts as a user
      // activation, which Android needs to open the soft keyboard.
      bridge?.open(event);
    } else if (bridge?.active) {
      bridge.close();
      // A hardware keyboard keeps working through the stream view.
      this.streamView?.focus({ preventScroll: true });
    }
  }

  private readonly onInput = (e: CustomEvent<InputMessage>): void => {
    const input = e.detail;
    this.session.send(input);
    this.remote.answered(input);
    // A tap while a remote field has the focus: bring back a soft keyboard the user had hidden.
    if (
      input.type === "touch" &&
      input.action === "end" &&
      input.points.length === 0 &&
      this.remote.focus.editable &&
      this.isTouchScreen()
    ) {
      this.keyboardBridge?.showKeyboard();
    }
  };

  /** Applied at once: an unmute must happen inside the user's click. */
  private readonly onSoundChange = (e: CustomEvent<SoundChange>): void => {
    const change = e.detail;
    if ("muted" in change) this.sound.setMuted(change.muted);
    else this.sound.setVolume(change.volume);
  };

  private readonly goHome = async (): Promise<void> => {
    this.kioskMode.releaseScreen();
    await this.session.end();
    window.location.assign(HOME_PATH);
  };
}

/** The host of a page URL, for "example.com says"; empty for anything unparsable. */
function hostOf(url: string | undefined): string {
  if (!url) return "";
  try {
    return new URL(url).host;
  } catch {
    return "";
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "jiomosa-viewer": JiomosaViewer;
  }
}

customElements.define("jiomosa-viewer", JiomosaViewer);
