import { css, html, LitElement, nothing, type PropertyValues } from "lit";
import type { DialogEvent, InputMessage } from "../../../protocol/index.js";
import { inputEvent } from "../input/input-event.js";

/** Words of each kind of dialog: its heading (null: who is asking), and its two buttons. */
const WORDING: Record<DialogEvent["kind"], { title: string | null; accept: string; dismiss: string | null }> = {
  alert: { title: null, accept: "OK", dismiss: null },
  confirm: { title: null, accept: "OK", dismiss: "Cancel" },
  prompt: { title: null, accept: "OK", dismiss: "Cancel" },
  beforeunload: { title: "Leave this page?", accept: "Leave", dismiss: "Stay" },
};
/** What Chromium says when a page asks before it unloads (pages may no longer choose the text). */
const BEFOREUNLOAD_MESSAGE = "Changes you made may not be saved.";

/**
 * A JavaScript dialog of the remote page (alert, confirm, prompt, or "leave this page?"): the
 * page's script is blocked until it is answered, so it is shown on the tablet at once, above
 * everything else.
 *
 * @fires jiomosa-input - `CustomEvent<InputMessage>`, bubbling and composed: one `dialog-answer`.
 */
export class JiomosaPageDialog extends LitElement {
  static override properties = {
    dialog: { attribute: false },
    origin: { type: String },
  };

  static override styles = css`
    :host {
      position: fixed;
      top: 0;
      right: 0;
      bottom: 0;
      left: 0;
      z-index: 30;
      display: flex;
      align-items: center;
      justify-content: center;
      padding: 16px;
      background: rgba(0, 0, 0, 0.6);
      font-family:
        system-ui,
        -apple-system,
        "Segoe UI",
        Roboto,
        sans-serif;
    }
    :host(:not([open])) {
      display: none;
    }
    .dialog {
      box-sizing: border-box;
      width: 100%;
      max-width: 480px;
      max-height: 100%;
      overflow-y: auto;
      padding: 22px 22px 16px;
      border-radius: 16px;
      background: #1f232a;
      color: #e8e8e8;
      box-shadow: 0 12px 40px rgba(0, 0, 0, 0.5);
    }
    .title {
      margin: 0 0 10px;
      font-size: 19px;
      font-weight: 600;
    }
    .message {
      font-size: 17px;
      line-height: 1.45;
      white-space: pre-wrap;
      word-wrap: break-word;
      color: #c9ced6;
    }
    input.prompt {
      box-sizing: border-box;
      width: 100%;
      min-height: 48px;
      margin-top: 14px;
      padding: 8px 12px;
      border: 1px solid #3a414d;
      border-radius: 10px;
      background: #14171c;
      color: inherit;
      font: inherit;
      font-size: 17px;
    }
    .actions {
      display: flex;
      justify-content: flex-end;
      margin-top: 20px;
    }
    button {
      min-width: 110px;
      min-height: 48px;
      margin-left: 10px;
      border: 0;
      border-radius: 10px;
      background: #2c313a;
      color: inherit;
      font: inherit;
      font-size: 17px;
      touch-action: manipulation;
    }
    button.accept {
      background: #2f6fde;
      color: #fff;
    }
  `;

  /** The dialog to answer, or null when none is waiting. */
  declare dialog: DialogEvent | null;
  /** Who is asking (the page's host), shown as the heading of alert/confirm/prompt. */
  declare origin: string;

  constructor() {
    super();
    this.dialog = null;
    this.origin = "";
    this.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && this.dialog && this.dialog.kind !== "alert") this.answer(false);
    });
  }

  /** The prompt's text field (null unless a prompt is shown). */
  get promptInput(): HTMLInputElement | null {
    return this.renderRoot?.querySelector("input.prompt") ?? null;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("dialog")) this.toggleAttribute("open", this.dialog !== null);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has("dialog") || !this.dialog) return;
    const prompt = this.promptInput;
    if (prompt) {
      prompt.value = this.dialog.defaultValue ?? "";
      prompt.focus({ preventScroll: true });
      prompt.select();
    } else {
      this.renderRoot.querySelector<HTMLElement>("button.accept")?.focus({ preventScroll: true });
    }
  }

  override render() {
    const dialog = this.dialog;
    if (!dialog) return nothing;
    const words = WORDING[dialog.kind];
    const title = words.title ?? (this.origin ? `${this.origin} says` : "The page says");
    const message = dialog.kind === "beforeunload" && !dialog.message ? BEFOREUNLOAD_MESSAGE : dialog.message;
    return html`<div
      class="dialog"
      data-kind=${dialog.kind}
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="title"
      aria-describedby="message"
    >
      <div class="title" id="title">${title}</div>
      <div class="message" id="message">${message}</div>
      ${
        dialog.kind === "prompt"
          ? html`<input
              class="prompt"
              type="text"
              aria-label="Your answer"
              @keydown=${(e: KeyboardEvent) => e.key === "Enter" && this.answer(true)}
            />`
          : nothing
      }
      <div class="actions">
        ${words.dismiss ? html`<button type="button" class="dismiss" @click=${() => this.answer(false)}>${words.dismiss}</button>` : nothing}
        <button type="button" class="accept" @click=${() => this.answer(true)}>${words.accept}</button>
      </div>
    </div>`;
  }

  private answer(accept: boolean): void {
    const dialog = this.dialog;
    if (!dialog) return;
    const detail: InputMessage = { type: "dialog-answer", id: dialog.id, accept };
    if (accept && dialog.kind === "prompt") detail.text = this.promptInput?.value ?? "";
    this.dialog = null;
    this.dispatchEvent(inputEvent(detail));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "jiomosa-page-dialog": JiomosaPageDialog;
  }
}

customElements.define("jiomosa-page-dialog", JiomosaPageDialog);
