import { css, html, LitElement, nothing, type PropertyValues } from "lit";
import type { InputMessage, SelectOpenEvent } from "../../../protocol/index.js";
import { inputEvent } from "../input/input-event.js";

/**
 * The tablet's own picker for a `<select>` the remote page opened (its popup is a separate
 * widget the screencast never shows): a sheet of large options, grouped as in the page, with the
 * current choice highlighted. Choosing answers with the option's index; Cancel, the backdrop or
 * Escape answer null (the page's select keeps its value).
 *
 * @fires jiomosa-input - `CustomEvent<InputMessage>`, bubbling and composed: one `select-answer`.
 */
export class JiomosaSelectPicker extends LitElement {
  static override properties = {
    request: { attribute: false },
    chosen: { state: true },
  };

  static override styles = css`
    :host {
      position: fixed;
      top: 0;
      right: 0;
      bottom: 0;
      left: 0;
      z-index: 20;
      display: flex;
      align-items: flex-end;
      justify-content: center;
      font-family:
        system-ui,
        -apple-system,
        "Segoe UI",
        Roboto,
        sans-serif;
      -webkit-tap-highlight-color: transparent;
    }
    :host(:not([open])) {
      display: none;
    }
    .backdrop {
      position: absolute;
      top: 0;
      right: 0;
      bottom: 0;
      left: 0;
      background: rgba(0, 0, 0, 0.55);
    }
    .picker {
      position: relative;
      display: flex;
      flex-direction: column;
      width: 100%;
      max-width: 560px;
      max-height: 80%;
      border-radius: 16px 16px 0 0;
      background: #1f232a;
      color: #e8e8e8;
      box-shadow: 0 -8px 32px rgba(0, 0, 0, 0.5);
    }
    .options {
      overflow-y: auto;
      -webkit-overflow-scrolling: touch;
      overscroll-behavior: contain;
      padding: 8px 0;
    }
    .group {
      padding: 14px 20px 6px;
      font-size: 14px;
      font-weight: 600;
      letter-spacing: 0.03em;
      text-transform: uppercase;
      color: #8f99a8;
    }
    button {
      font: inherit;
      color: inherit;
      border: 0;
      cursor: pointer;
      touch-action: manipulation;
    }
    .option {
      display: block;
      width: 100%;
      min-height: 52px;
      padding: 12px 20px;
      background: none;
      font-size: 18px;
      text-align: left;
    }
    .option.grouped {
      padding-left: 36px;
    }
    .option:active {
      background: #2c313a;
    }
    .option[aria-selected="true"] {
      background: #24406e;
      font-weight: 600;
    }
    .option[aria-selected="true"]::after {
      content: "✓";
      float: right;
    }
    .option:disabled {
      color: #5d6573;
      cursor: default;
    }
    .actions {
      display: flex;
      justify-content: flex-end;
      padding: 10px 16px 16px;
      border-top: 1px solid #2c313a;
    }
    .actions button {
      min-width: 120px;
      min-height: 48px;
      margin-left: 10px;
      border-radius: 10px;
      background: #2c313a;
      font-size: 17px;
    }
    .actions .done {
      background: #2f6fde;
      color: #fff;
    }
  `;

  /** The open `select-open` request, or null when no picker is shown. */
  declare request: SelectOpenEvent | null;
  /** For a multiple select: the indexes chosen so far. */
  declare private chosen: ReadonlySet<number>;

  constructor() {
    super();
    this.request = null;
    this.chosen = new Set();
    this.addEventListener("keydown", (e) => {
      if (e.key === "Escape") this.answer(null);
    });
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has("request")) return;
    this.toggleAttribute("open", this.request !== null);
    const selected = (this.request?.options ?? []).flatMap((o, i) => (o.selected ? [i] : []));
    this.chosen = new Set(selected);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has("request") || !this.request) return;
    // Start at the current choice, as a native picker does.
    const current =
      this.renderRoot.querySelector<HTMLElement>('.option[aria-selected="true"]') ?? this.renderRoot.querySelector<HTMLElement>(".option");
    current?.scrollIntoView?.({ block: "center" });
    current?.focus({ preventScroll: true });
  }

  override render() {
    const request = this.request;
    if (!request) return nothing;
    let group: string | undefined;
    const rows = request.options.map((option, index) => {
      const heading =
        option.group !== undefined && option.group !== group ? html`<div class="group" role="presentation">${option.group}</div>` : nothing;
      group = option.group;
      return html`${heading}<button
          type="button"
          class="option ${option.group !== undefined ? "grouped" : ""}"
          role="option"
          data-index=${index}
          aria-selected=${this.chosen.has(index) ? "true" : "false"}
          ?disabled=${option.disabled}
          @click=${() => this.choose(index)}
        >
          ${option.label}
        </button>`;
    });
    return html`<div class="backdrop" @click=${() => this.answer(null)}></div>
      <div class="picker" role="dialog" aria-modal="true" aria-label="Choose an option">
        <div class="options" role="listbox" aria-multiselectable=${request.multiple ? "true" : "false"}>${rows}</div>
        <div class="actions">
          <button type="button" class="cancel" @click=${() => this.answer(null)}>Cancel</button>
          ${request.multiple ? html`<button type="button" class="done" @click=${() => this.answer([...this.chosen].sort((a, b) => a - b))}>Done</button>` : nothing}
        </div>
      </div>`;
  }

  private choose(index: number): void {
    const request = this.request;
    if (!request || request.options[index]?.disabled) return;
    if (!request.multiple) {
      this.answer([index]);
      return;
    }
    const chosen = new Set(this.chosen);
    if (chosen.has(index)) chosen.delete(index);
    else chosen.add(index);
    this.chosen = chosen;
  }

  private answer(indexes: number[] | null): void {
    const request = this.request;
    if (!request) return;
    this.request = null;
    const detail: InputMessage = { type: "select-answer", id: request.id, indexes };
    this.dispatchEvent(inputEvent(detail));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "jiomosa-select-picker": JiomosaSelectPicker;
  }
}

customElements.define("jiomosa-select-picker", JiomosaSelectPicker);
