import { css, html, LitElement, nothing } from "lit";
import { API_PATHS, describeError, errorMessageOf, type KioskInfo, readKiosksReply } from "../../../protocol/index.js";

const KIOSKS_ENDPOINT = API_PATHS.kiosks;
/** The connection check, linked small at the bottom for whoever sets up a tablet. */
export const DIAGNOSTICS_PATH = "/diagnostics";

type LauncherState =
  | { kind: "loading" }
  | { kind: "error"; message: string }
  | { kind: "ready"; kiosks: KioskInfo[]; name?: string; allowCustomUrls: boolean };

/** Badge colours for kiosks without an icon, picked by id so a tile keeps its colour. */
const BADGE_COLOURS = ["#2f6fde", "#2e9d6a", "#c2531f", "#8e44ad", "#b8860b", "#c0392b", "#16a085", "#5d6d7e"];

/** An icon that looks like a URL or path is an image; anything else (an emoji, a symbol) is shown as text. */
const isImageIcon = (icon: string) => /^(https?:|data:image\/|\.{0,2}\/)|\.(png|jpe?g|gif|svg|webp|ico)(\?.*)?$/i.test(icon);

function badgeColour(id: string): string {
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return BADGE_COLOURS[hash % BADGE_COLOURS.length] ?? BADGE_COLOURS[0]!;
}

/**
 * The home screen: one large tile per configured kiosk, in configuration order. A tile is a
 * plain link to `/viewer?kiosk=ID`, so it works with no script state at all.
 */
export class JiomosaLauncher extends LitElement {
  static override properties = {
    state: { state: true },
    brokenIcons: { state: true },
  };

  static override styles = css`
    :host {
      display: block;
      box-sizing: border-box;
      height: 100%;
      overflow-y: auto;
      padding: 24px;
      color: #e8e8e8;
      font-family:
        system-ui,
        -apple-system,
        "Segoe UI",
        Roboto,
        sans-serif;
      -webkit-tap-highlight-color: transparent;
    }
    h1 {
      margin: 0 0 20px;
      font-size: 22px;
      font-weight: 600;
      letter-spacing: 0.02em;
      color: #9aa4b2;
    }
    .grid {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(180px, 1fr));
      gap: 20px;
    }
    .tile {
      position: relative;
      display: flex;
      flex-direction: column;
      align-items: center;
      justify-content: center;
      min-height: 180px;
      padding: 20px 12px;
      border-radius: 18px;
      background: #1c2027;
      color: inherit;
      text-decoration: none;
      text-align: center;
      transition:
        background 120ms,
        transform 120ms;
    }
    .tile:hover,
    .tile:focus-visible {
      background: #262c35;
    }
    .tile:focus-visible {
      outline: 3px solid #4c8dff;
      outline-offset: 2px;
    }
    .tile:active {
      transform: scale(0.97);
    }
    .icon {
      width: 72px;
      height: 72px;
      border-radius: 16px;
      object-fit: contain;
    }
    .badge,
    .glyph {
      display: flex;
      align-items: center;
      justify-content: center;
      width: 72px;
      height: 72px;
      border-radius: 16px;
      font-size: 38px;
      font-weight: 700;
      color: #fff;
    }
    /* Margins, not flex gap: old Android WebViews (Chrome < 84) lack it. */
    .tile > * + *,
    .message > * + * {
      margin-top: 14px;
    }
    .sound {
      position: absolute;
      top: 12px;
      right: 12px;
      width: 22px;
      height: 22px;
      color: #9aa4b2;
    }
    .tile > .sound {
      margin-top: 0;
    }
    .title {
      font-size: 20px;
      line-height: 1.25;
      overflow-wrap: anywhere;
    }
    .message {
      display: flex;
      flex-direction: column;
      align-items: center;
      margin-top: 15vh;
      font-size: 20px;
      text-align: center;
    }
    .error {
      color: #ff8a80;
    }
    .footer {
      margin-top: 32px;
      text-align: center;
    }
    .footer a {
      display: inline-block;
      padding: 12px 16px;
      font-size: 15px;
      color: #6b7480;
      text-decoration: none;
    }
    button {
      min-width: 160px;
      min-height: 56px;
      padding: 0 24px;
      border: 0;
      border-radius: 12px;
      background: #2f6fde;
      color: #fff;
      font: inherit;
      cursor: pointer;
    }
    .url-form {
      display: flex;
      gap: 12px;
      margin: 0 0 24px;
    }
    .url-form input {
      flex: 1;
      min-width: 0;
      font-size: 20px;
      padding: 14px 16px;
      border-radius: 14px;
      border: 2px solid #3c4043;
      background: #1f2329;
      color: inherit;
    }
    .url-form button {
      font-size: 20px;
      padding: 0 24px;
      border-radius: 14px;
      border: 0;
      background: #2457d6;
      color: #fff;
    }
  `;

  declare private state: LauncherState;
  declare private brokenIcons: ReadonlySet<string>;
  private abort: AbortController | null = null;

  constructor() {
    super();
    this.state = { kind: "loading" };
    this.brokenIcons = new Set();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.abort?.abort();
    this.abort = null;
  }

  /** Fetches the kiosk list again (also the error screen's retry button). */
  async load(): Promise<void> {
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    this.state = { kind: "loading" };
    let next: LauncherState;
    try {
      const response = await fetch(KIOSKS_ENDPOINT, { signal: abort.signal, headers: { accept: "application/json" } });
      const body: unknown = await response.json().catch(() => undefined);
      next = response.ok
        ? (() => {
            const reply = readKiosksReply(body);
            const ready: LauncherState = { kind: "ready", kiosks: reply.kiosks, allowCustomUrls: reply.allowCustomUrls === true };
            if (reply.name) ready.name = reply.name;
            return ready;
          })()
        : { kind: "error", message: errorMessageOf(body, response.status, response.statusText) };
    } catch (err) {
      if (abort.signal.aborted) return;
      next = { kind: "error", message: err instanceof TypeError ? "Cannot reach the server." : describeError(err) };
    }
    if (this.abort === abort) this.state = next;
  }

  override render() {
    const name = this.state.kind === "ready" && this.state.name ? this.state.name : "Jiomosa";
    return html`<h1>${name}</h1>
      ${this.state.kind === "ready" && this.state.allowCustomUrls ? this.renderUrlField() : null} ${this.renderBody()}
      <footer class="footer"><a class="diagnostics" href=${DIAGNOSTICS_PATH}>Diagnostics</a></footer>`;
  }

  private renderBody() {
    const state = this.state;
    switch (state.kind) {
      case "loading":
        return html`<div class="message" role="status">Loading…</div>`;
      case "error":
        return html`<div class="message" role="alert">
          <span class="error">${state.message}</span>
          <button @click=${() => void this.load()}>Retry</button>
        </div>`;
      case "ready":
        if (state.kiosks.length === 0) return html`<div class="message" role="status">No kiosks are configured.</div>`;
        return html`<nav class="grid">${state.kiosks.map((kiosk) => this.renderTile(kiosk))}</nav>`;
    }
  }

  /** The free URL field (config allowCustomUrls): the appliance still refuses private addresses. */
  private renderUrlField() {
    const go = (event: Event) => {
      event.preventDefault();
      const input = (event.currentTarget as HTMLFormElement).querySelector("input")!;
      let text = input.value.trim();
      if (!text) return;
      if (!/^https?:\/\//i.test(text)) text = `https://${text}`;
      location.assign(`/viewer?url=${encodeURIComponent(text)}`);
    };
    return html`<form class="url-form" @submit=${go}>
      <input
        class="url"
        type="url"
        inputmode="url"
        enterkeyhint="go"
        autocomplete="off"
        autocapitalize="off"
        spellcheck="false"
        placeholder="Open a website…"
        aria-label="Website address"
      />
      <button type="submit">Go</button>
    </form>`;
  }

  private renderTile(kiosk: KioskInfo) {
    return html`<a class="tile" href="/viewer?kiosk=${encodeURIComponent(kiosk.id)}" data-kiosk=${kiosk.id}>
      ${this.renderIcon(kiosk)}
      <span class="title">${kiosk.title}</span>
      ${
        kiosk.audio
          ? html`<svg class="sound" viewBox="0 0 24 24" role="img" aria-label="With sound">
              <path
                fill="currentColor"
                d="M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z"
              />
            </svg>`
          : nothing
      }
    </a>`;
  }

  private renderIcon(kiosk: KioskInfo) {
    const icon = kiosk.icon;
    if (icon && isImageIcon(icon) && !this.brokenIcons.has(kiosk.id)) {
      return html`<img class="icon" src=${icon} alt="" draggable="false" @error=${() => this.iconFailed(kiosk.id)} />`;
    }
    if (icon && !isImageIcon(icon)) {
      return html`<span class="glyph" aria-hidden="true">${icon}</span>`;
    }
    const letter = [...kiosk.title.trim()][0]?.toUpperCase() ?? "?";
    return html`<span class="badge" aria-hidden="true" style="background:${badgeColour(kiosk.id)}">${letter}</span>`;
  }

  private iconFailed(id: string): void {
    this.brokenIcons = new Set([...this.brokenIcons, id]);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "jiomosa-launcher": JiomosaLauncher;
  }
}

customElements.define("jiomosa-launcher", JiomosaLauncher);
