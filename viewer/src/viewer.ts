import { css, html, LitElement, nothing, type PropertyValues } from "lit";
import type { InputMessage } from "../../protocol/index.js";
import { SessionController, type SessionStatus } from "./session-controller.js";
import "./stream-view.js";

/** Where the home button goes. */
export const HOME_PATH = "/";

const STATUS_TITLES: Record<SessionStatus, string> = {
  creating: "Starting…",
  connecting: "Connecting…",
  streaming: "",
  reconnecting: "Reconnecting…",
  error: "Cannot open this page",
  closed: "Session closed",
};

/**
 * One remote page, full screen: creates (or rejoins) a renderer session for a kiosk or URL,
 * shows its stream and sends the user's input back. The stream view's `jiomosa-input` events
 * are forwarded to the session and keep bubbling, so a page can observe them.
 */
export class JiomosaViewer extends LitElement {
  static override properties = {
    kiosk: { type: String },
    url: { type: String },
  };

  // Plain top/right/bottom/left instead of "inset", and margins instead of flex "gap": old
  // Android WebViews (Chrome < 84) support neither.
  static override styles = css`
    :host {
      display: block;
      position: relative;
      width: 100%;
      height: 100%;
      overflow: hidden;
      background: #000;
      color: #eee;
      font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
    }
    jiomosa-stream-view {
      position: absolute;
      top: 0;
      left: 0;
      width: 100%;
      height: 100%;
    }
    .overlay {
      position: absolute;
      top: 0;
      right: 0;
      bottom: 0;
      left: 0;
      display: flex;
      flex-direction: column;
      align-items: center;
      justify-content: center;
      padding: 24px;
      background: rgba(0, 0, 0, 0.72);
      text-align: center;
    }
    .overlay > * + * {
      margin-top: 14px;
    }
    .overlay.toast {
      top: auto;
      bottom: 32px;
      padding: 0;
      background: none;
      pointer-events: none;
    }
    .toast .message {
      padding: 10px 18px;
      border-radius: 10px;
      background: rgba(40, 40, 40, 0.9);
    }
    .title {
      font-size: 24px;
      font-weight: 600;
    }
    .message {
      max-width: 40em;
      font-size: 17px;
      color: #c9ced6;
    }
    .error .title {
      color: #ff8a80;
    }
    .spinner {
      width: 40px;
      height: 40px;
      border: 4px solid rgba(255, 255, 255, 0.2);
      border-top-color: #fff;
      border-radius: 50%;
      animation: spin 0.9s linear infinite;
    }
    @keyframes spin {
      to {
        transform: rotate(360deg);
      }
    }
    button.retry {
      min-width: 140px;
      min-height: 52px;
      border: 0;
      border-radius: 12px;
      background: #2f6fde;
      color: #fff;
      font: inherit;
      font-size: 18px;
    }
    .home {
      position: absolute;
      top: 10px;
      left: 10px;
      z-index: 2;
      display: flex;
      align-items: center;
      justify-content: center;
      width: 44px;
      height: 44px;
      padding: 0;
      border: 0;
      border-radius: 50%;
      background: rgba(30, 30, 30, 0.45);
      color: #fff;
      opacity: 0.6;
      cursor: pointer;
      -webkit-tap-highlight-color: transparent;
    }
    .home:hover,
    .home:focus-visible {
      opacity: 1;
    }
    .home svg {
      width: 24px;
      height: 24px;
    }
  `;

  /** Id of a configured kiosk to open. */
  declare kiosk: string;
  /** A URL to open instead of a kiosk (the renderer's URL policy applies). */
  declare url: string;

  private readonly session: SessionController;
  private lastStatus: SessionStatus | null = null;

  constructor() {
    super();
    this.kiosk = "";
    this.url = "";
    this.session = new SessionController(this, {
      target: () => ({ kiosk: this.kiosk || undefined, url: this.url || undefined }),
    });
  }

  override render() {
    const session = this.session;
    return html`
      <jiomosa-stream-view .stream=${session.stream} .viewport=${session.viewport} @jiomosa-input=${this.onInput}></jiomosa-stream-view>
      ${this.renderOverlay()}
      <button class="home" title="Home" aria-label="Home" @click=${this.goHome}>
        <svg viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M12 3 2 12h3v8h6v-6h2v6h6v-8h3z" /></svg>
      </button>
    `;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const status = this.session.status;
    // Focus the stream once it shows, so a hardware keyboard works without a tap first.
    if (status === "streaming" && this.lastStatus !== "streaming") {
      this.renderRoot.querySelector("jiomosa-stream-view")?.focus({ preventScroll: true });
    }
    this.lastStatus = status;
  }

  private renderOverlay() {
    const { status, statusMessage, notice } = this.session;
    if (status === "streaming") {
      if (!notice) return nothing;
      return html`<div class="overlay toast" role="status" aria-live="polite"><span class="message">${notice}</span></div>`;
    }
    const busy = status === "creating" || status === "connecting" || status === "reconnecting";
    return html`<div class="overlay ${status}" role=${status === "error" ? "alert" : "status"} aria-live="polite" data-status=${status}>
      ${busy ? html`<div class="spinner" aria-hidden="true"></div>` : nothing}
      <div class="title">${STATUS_TITLES[status]}</div>
      ${statusMessage ? html`<div class="message">${statusMessage}</div>` : nothing}
      ${notice ? html`<div class="message">${notice}</div>` : nothing}
      ${status === "error" || status === "closed" ? html`<button class="retry" @click=${() => this.session.retry()}>Try again</button>` : nothing}
    </div>`;
  }

  private readonly onInput = (e: CustomEvent<InputMessage>): void => {
    this.session.send(e.detail);
  };

  private readonly goHome = async (): Promise<void> => {
    await this.session.end();
    window.location.assign(HOME_PATH);
  };
}

declare global {
  interface HTMLElementTagNameMap {
    "jiomosa-viewer": JiomosaViewer;
  }
}

customElements.define("jiomosa-viewer", JiomosaViewer);
