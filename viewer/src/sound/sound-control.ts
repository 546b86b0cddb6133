import { css, html, LitElement, nothing, svg } from "lit";

export const SOUND_CONTROL_TAG = "jiomosa-sound-control";
/** Name of the event that carries the user's change: `{muted}` from the button or the hint, `{volume}` from the slider. */
const SOUND_CHANGE_EVENT = "jiomosa-sound-change";

export type SoundChange = { muted: boolean } | { volume: number };

/** Width under which the bar has no room for the slider; the tablet's own volume keys remain. */
const NARROW_SCREEN_PX = 560;

const SPEAKER = svg`<path fill="currentColor" d="M3 9v6h4l5 5V4L7 9H3z" />`;
const WAVES = svg`<path class="waves" fill="currentColor" d="M16.5 12A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z" />`;
const CROSS = svg`<path class="cross" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" d="M16 9.5l5 5m0-5l-5 5" />`;

/**
 * The speaker button (mute toggle, `aria-pressed` while muted) and volume slider of a session
 * with sound, in the navigation bar or, with `floating`, alone as a small round button. With
 * `hint` it offers "Tap for sound". It only renders: the viewer's sound controller owns the
 * state and applies each change inside the user's click, which is what lets a mobile browser
 * play the sound.
 *
 * @fires jiomosa-sound-change - `CustomEvent<SoundChange>`, bubbling and composed, on every change the user makes.
 */
export class JiomosaSoundControl extends LitElement {
  static override properties = {
    muted: { type: Boolean },
    volume: { type: Number },
    playing: { type: Boolean, reflect: true },
    hint: { type: Boolean },
    floating: { type: Boolean, reflect: true },
  };

  static override styles = css`
    :host {
      position: relative;
      display: flex;
      flex: 0 0 auto;
      align-items: center;
      color: #e8e8e8;
      font-family:
        system-ui,
        -apple-system,
        "Segoe UI",
        Roboto,
        sans-serif;
      -webkit-tap-highlight-color: transparent;
    }
    button {
      font: inherit;
      cursor: pointer;
      touch-action: manipulation;
    }
    .toggle {
      display: flex;
      align-items: center;
      justify-content: center;
      width: 48px;
      height: 44px;
      padding: 0;
      border: 0;
      border-radius: 10px;
      background: none;
      color: inherit;
    }
    .toggle:active {
      background: #2c313a;
    }
    .toggle:focus-visible,
    .hint:focus-visible,
    .volume:focus-visible {
      outline: 3px solid #4c8dff;
      outline-offset: 1px;
    }
    svg {
      width: 24px;
      height: 24px;
    }
    :host([playing]) .toggle {
      color: #7fb0ff;
    }
    :host([playing]) .toggle[aria-pressed="true"] {
      color: #ffc857;
    }
    :host([playing]) .waves {
      animation: sound-pulse 1s ease-in-out infinite;
    }
    .volume {
      width: 88px;
      margin: 0 8px 0 2px;
      accent-color: #4c8dff;
    }
    .volume[data-muted] {
      opacity: 0.5;
    }
    .hint {
      position: absolute;
      top: calc(100% + 8px);
      right: 0;
      z-index: 10;
      padding: 10px 16px;
      border: 0;
      border-radius: 10px;
      background: #2f6fde;
      color: #fff;
      font-size: 16px;
      white-space: nowrap;
      box-shadow: 0 4px 16px rgba(0, 0, 0, 0.4);
      animation: sound-hint 1.6s ease-in-out infinite;
    }
    :host([floating]) .toggle {
      width: 44px;
      border-radius: 50%;
      background: rgba(30, 30, 30, 0.45);
      color: #fff;
      opacity: 0.6;
    }
    :host([floating]) .toggle:hover,
    :host([floating]) .toggle:focus-visible,
    :host([floating][playing]) .toggle {
      opacity: 1;
    }
    :host([floating][playing]) .toggle[aria-pressed="true"] {
      color: #ffc857;
    }
    @media (max-width: ${NARROW_SCREEN_PX}px) {
      .volume {
        display: none;
      }
    }
    @keyframes sound-pulse {
      50% {
        opacity: 0.3;
      }
    }
    @keyframes sound-hint {
      50% {
        transform: translateY(3px);
      }
    }
  `;

  /** The sound is off (by choice, or until the first tap). */
  declare muted: boolean;
  /** 0 to 1. */
  declare volume: number;
  /** The page plays sound right now; reflected as the `playing` attribute. */
  declare playing: boolean;
  /** Show "Tap for sound". */
  declare hint: boolean;
  /** A floating button without the slider, for a viewer without a navigation bar. */
  declare floating: boolean;

  constructor() {
    super();
    this.muted = true;
    this.volume = 1;
    this.playing = false;
    this.hint = false;
    this.floating = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.hasAttribute("data-testid")) this.setAttribute("data-testid", "sound-control");
  }

  override render() {
    const muted = this.muted;
    return html`<button
        type="button"
        class="toggle"
        data-testid="sound-toggle"
        aria-label="Mute"
        aria-pressed=${muted ? "true" : "false"}
        title=${muted ? "Sound off" : "Sound on"}
        @click=${() => this.change({ muted: !this.muted })}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true">${SPEAKER}${muted ? CROSS : WAVES}</svg>
      </button>
      ${
        this.floating
          ? nothing
          : html`<input
              type="range"
              class="volume"
              data-testid="sound-volume"
              min="0"
              max="1"
              step="0.05"
              aria-label="Volume"
              ?data-muted=${muted}
              .value=${String(this.volume)}
              @input=${(e: Event) => this.change({ volume: Number((e.currentTarget as HTMLInputElement).value) })}
            />`
      }
      <div role="status" aria-live="polite">
        ${this.hint ? html`<button type="button" class="hint" data-testid="sound-hint" @click=${() => this.change({ muted: false })}>Tap for sound</button>` : nothing}
      </div>`;
  }

  /** Dispatched synchronously from the click, so whoever unmutes does it inside the gesture. */
  private change(detail: SoundChange): void {
    this.dispatchEvent(new CustomEvent<SoundChange>(SOUND_CHANGE_EVENT, { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "jiomosa-sound-control": JiomosaSoundControl;
  }
  interface HTMLElementEventMap {
    "jiomosa-sound-change": CustomEvent<SoundChange>;
  }
}

customElements.define(SOUND_CONTROL_TAG, JiomosaSoundControl);
