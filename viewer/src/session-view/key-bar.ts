import { css, html, LitElement } from "lit";
import { inputEvent } from "../input/input-event.js";

/** The keys a soft keyboard lacks, in the order shown. */
const KEY_BAR_KEYS: readonly { key: string; label: string; name: string }[] = [
  { key: "Escape", label: "Esc", name: "Escape" },
  { key: "Tab", label: "Tab", name: "Tab" },
  { key: "ArrowLeft", label: "◀", name: "Left" },
  { key: "ArrowUp", label: "▲", name: "Up" },
  { key: "ArrowDown", label: "▼", name: "Down" },
  { key: "ArrowRight", label: "▶", name: "Right" },
  { key: "Enter", label: "⏎", name: "Enter" },
];

/** What part of the layout viewport the soft keyboard covers, from `window.visualViewport`. */
function keyboardInset(win: { innerHeight: number; visualViewport?: VisualViewport | null } = window): number {
  const viewport = win.visualViewport;
  if (!viewport) return 0;
  return Math.max(0, Math.round(win.innerHeight - (viewport.offsetTop + viewport.height)));
}

/**
 * A row of keys a soft keyboard lacks (Escape, Tab, arrows, Enter), shown above it while a remote
 * text field has the focus. Its buttons never take the focus: the keyboard bridge keeps it, so
 * the soft keyboard stays open while they are pressed.
 *
 * @fires jiomosa-input - `CustomEvent<InputMessage>`, bubbling and composed: a `key` per press.
 */
export class JiomosaKeyBar extends LitElement {
  static override styles = css`
    :host {
      display: block;
      position: relative;
      z-index: 4;
    }
    .key-bar {
      display: flex;
      justify-content: center;
      padding: 4px;
      background: #1b1e24;
      border-top: 1px solid #2c313a;
      -webkit-tap-highlight-color: transparent;
      user-select: none;
      -webkit-user-select: none;
    }
    button {
      flex: 1 1 0;
      max-width: 96px;
      min-height: 44px;
      margin: 0 3px;
      border: 0;
      border-radius: 8px;
      background: #2c313a;
      color: #e8e8e8;
      font: inherit;
      font-size: 18px;
      touch-action: manipulation;
    }
    button:active {
      background: #3d4451;
    }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    window.visualViewport?.addEventListener("resize", this.follow);
    window.visualViewport?.addEventListener("scroll", this.follow);
    this.follow();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.visualViewport?.removeEventListener("resize", this.follow);
    window.visualViewport?.removeEventListener("scroll", this.follow);
  }

  override render() {
    return html`<div class="key-bar" role="toolbar" aria-label="Keys" @pointerdown=${keepFocus} @mousedown=${keepFocus}>
      ${KEY_BAR_KEYS.map(
        ({ key, label, name }) =>
          html`<button type="button" tabindex="-1" data-key=${key} aria-label=${name} title=${name} @click=${() => this.press(key)}>
            ${label}
          </button>`,
      )}
    </div>`;
  }

  private press(key: string): void {
    this.dispatchEvent(inputEvent({ type: "key", key }));
  }

  /** Where the keyboard overlays the page instead of resizing it, sit on top of the keyboard. */
  private readonly follow = (): void => {
    const inset = keyboardInset();
    this.style.transform = inset ? `translateY(-${inset}px)` : "";
  };
}

/** A press on the bar must not move the focus (that would close the soft keyboard). */
function keepFocus(e: Event): void {
  e.preventDefault();
}

declare global {
  interface HTMLElementTagNameMap {
    "jiomosa-key-bar": JiomosaKeyBar;
  }
}

customElements.define("jiomosa-key-bar", JiomosaKeyBar);
