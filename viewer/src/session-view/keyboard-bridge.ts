import { css, html, LitElement } from "lit";
import type { FocusEvent, InputMessage, Modifier } from "../../../protocol/index.js";
import { IGNORED_KEYS, IME_KEY_CODE, isAltGraph, isPrintable, MODIFIER_KEYS, modifiersOf } from "../input/keys.js";
import { inputEvent } from "../input/input-event.js";

/**
 * What keeps the caret context neutral: the IME sees a character before the caret (so it does
 * not capitalise every word as if each started the field) that no word can be built from.
 */
export const NEUTRAL_CONTEXT = "\u200b";

/** Field types whose text is not prose: no capitals, corrections or suggestions. */
const PLAIN_TYPES = new Set(["email", "url", "password"]);
/** inputmode for a field's type when the field sets none. */
const MODE_BY_TYPE: Record<string, string> = { number: "decimal", tel: "tel", email: "email", url: "url", search: "search" };
const INPUT_MODES = new Set(["none", "text", "decimal", "numeric", "tel", "search", "email", "url"]);
const ENTER_HINTS = new Set(["enter", "done", "go", "next", "previous", "search", "send"]);
/** Text that ends a sentence: the next word may start with a capital. */
const SENTENCE_END = /(^|[.!?\n]\s*)$/;

/** The soft keyboard layout a remote field wants. */
function inputModeFor(focus: FocusEvent): string {
  const mode = focus.inputMode?.toLowerCase();
  if (mode && INPUT_MODES.has(mode)) return mode;
  return MODE_BY_TYPE[focus.inputType?.toLowerCase() ?? ""] ?? "text";
}

/**
 * The soft keyboard's way into the remote page: a visually hidden textarea that takes the focus
 * while a remote text field has it. Android keyboards report keydown with keyCode 229, so text is
 * read from `beforeinput` and composition events instead: typed text becomes `text`, an IME's
 * composing word `composition update`/`commit`, deletions and Enter become keys. The textarea
 * never accumulates text; it holds at most the word being composed. A hardware keyboard's named
 * keys and Ctrl/Meta shortcuts are sent as keys from keydown, its characters via beforeinput.
 *
 * @fires jiomosa-input - `CustomEvent<InputMessage>`, bubbling and composed, one per input message.
 */
export class JiomosaKeyboardBridge extends LitElement {
  // Not display:none or visibility:hidden (neither can take focus), and not off-screen (the
  // browser would scroll to it). 16px text: Android zooms into smaller focused fields.
  static override styles = css`
    :host {
      position: fixed;
      top: 0;
      left: 0;
      width: 1px;
      height: 1px;
      overflow: hidden;
      opacity: 0;
      pointer-events: none;
    }
    textarea {
      display: block;
      width: 1px;
      height: 1px;
      margin: 0;
      padding: 0;
      border: 0;
      outline: none;
      resize: none;
      overflow: hidden;
      font-size: 16px;
      color: transparent;
      background: transparent;
      caret-color: transparent;
    }
  `;

  private composing = false;
  private composed = "";
  /** The last text sent ended a sentence (or nothing was typed yet): let the IME capitalise. */
  private sentenceStart = true;

  /** The hidden textarea (for tests and diagnostics). */
  get textarea(): HTMLTextAreaElement | null {
    return this.renderRoot?.querySelector("textarea") ?? null;
  }

  /** True while the textarea has the focus (the soft keyboard belongs to the remote page). */
  get active(): boolean {
    const textarea = this.textarea;
    return !!textarea && (this.shadowRoot?.activeElement ?? null) === textarea;
  }

  override render() {
    return html`<textarea
      class="keyboard-bridge"
      aria-label="Keyboard input for the page"
      autocomplete="off"
      rows="1"
      tabindex="-1"
      @keydown=${this.onKeyDown}
      @beforeinput=${this.onBeforeInput}
      @input=${this.onInput}
      @compositionstart=${this.onCompositionStart}
      @compositionupdate=${this.onCompositionUpdate}
      @compositionend=${this.onCompositionEnd}
    ></textarea>`;
  }

  /**
   * A remote text field got the focus: take it here, with the keyboard the field wants. Called
   * synchronously from the channel event, while the tap that focused the field still counts as a
   * user activation, so Android opens the soft keyboard.
   */
  open(focus: FocusEvent): void {
    const textarea = this.textarea;
    if (!textarea) return;
    const type = focus.inputType?.toLowerCase() ?? "";
    const mode = inputModeFor(focus);
    const plain = PLAIN_TYPES.has(type) || mode === "email" || mode === "url";
    const hint = focus.enterKeyHint?.toLowerCase();
    const before = keyboardAttributes(textarea);
    textarea.setAttribute("inputmode", mode);
    if (hint && ENTER_HINTS.has(hint)) textarea.setAttribute("enterkeyhint", hint);
    else textarea.removeAttribute("enterkeyhint");
    textarea.setAttribute("autocapitalize", plain ? "off" : "sentences");
    textarea.setAttribute("autocorrect", plain ? "off" : "on");
    textarea.spellcheck = !plain;
    this.endComposition();
    this.sentenceStart = true;
    this.resetValue();
    // The keyboard reads its layout when an editor gains focus: refocus for a different field.
    if (this.active && before !== keyboardAttributes(textarea)) textarea.blur();
    textarea.focus({ preventScroll: true });
  }

  /** The remote field lost the focus: let go of it here too, which closes the soft keyboard. */
  close(): void {
    this.endComposition();
    if (this.active) this.textarea?.blur();
    this.resetValue();
  }

  /**
   * Shows the soft keyboard again while a remote field has the focus: after the user hid it, or
   * when the field got the focus without a tap (autofocus). Call it from a tap: focusing again
   * within a user gesture is what makes Android show the keyboard. Blur and focus happen in one
   * task, and the browser reports the editor's state once per frame, so a keyboard that is
   * already up does not flicker.
   */
  showKeyboard(): void {
    const textarea = this.textarea;
    if (!textarea) return;
    if (this.active) textarea.blur();
    textarea.focus({ preventScroll: true });
  }

  private emit(detail: InputMessage): void {
    this.dispatchEvent(inputEvent(detail));
  }

  private sendText(text: string): void {
    if (!text) return;
    this.emit({ type: "text", text });
    this.sentenceStart = SENTENCE_END.test(text);
    if (!this.composing) this.resetValue();
  }

  private sendKey(key: string, modifiers: Modifier[] = []): void {
    this.emit(modifiers.length ? { type: "key", key, modifiers } : { type: "key", key });
    if (key === "Enter") this.sentenceStart = true;
    if (!this.composing) this.resetValue();
  }

  // ---- keydown: hardware keys ------------------------------------------------------------------

  private readonly onKeyDown = (e: KeyboardEvent): void => {
    const key = e.key;
    if (e.isComposing || this.composing || e.keyCode === IME_KEY_CODE || !key || IGNORED_KEYS.has(key) || MODIFIER_KEYS.has(key)) return;
    const altGraph = isAltGraph(e);
    const shortcut = (e.ctrlKey && !altGraph) || e.metaKey;
    if (isPrintable(key) && !shortcut) return; // The character arrives as beforeinput insertText.
    e.preventDefault();
    this.sendKey(key, modifiersOf(e));
  };

  // ---- beforeinput / input: what the keyboard changed ------------------------------------------

  private readonly onBeforeInput = (e: InputEvent): void => {
    switch (e.inputType) {
      case "insertCompositionText":
        return; // The composition events carry the whole composing text.
      case "insertText":
        if (this.composing) return;
        e.preventDefault();
        this.sendText(e.data ?? "");
        return;
      case "insertFromPaste":
      case "insertFromDrop":
      case "insertFromYank":
        e.preventDefault();
        this.sendText(e.dataTransfer?.getData("text/plain") ?? e.data ?? "");
        return;
      case "insertReplacementText":
        e.preventDefault();
        this.replace(e);
        return;
      case "deleteContentBackward":
        // Inside a composition the shortened word arrives as a compositionupdate.
        if (this.composing) return;
        e.preventDefault();
        this.sendKey("Backspace");
        return;
      case "deleteContentForward":
        if (this.composing) return;
        e.preventDefault();
        this.sendKey("Delete");
        return;
      case "insertLineBreak":
      case "insertParagraph":
        e.preventDefault();
        this.sendKey("Enter");
        return;
      default:
        // Formatting, undo, word deletion by the IME…: nothing the remote field would get right.
        if (!this.composing && e.cancelable) e.preventDefault();
    }
  };

  /** An autocorrect or spellcheck replacement: delete what it replaces, then type the replacement. */
  private replace(e: InputEvent): void {
    const replacement = e.dataTransfer?.getData("text/plain") || e.data || "";
    const textarea = this.textarea;
    const range = e.getTargetRanges?.()[0];
    let replaced = range && range.startContainer === range.endContainer ? range.endOffset - range.startOffset : 0;
    if (!replaced && textarea) replaced = textarea.selectionEnd - textarea.selectionStart;
    if (this.composing) {
      // The replaced word is still being composed: it becomes the composition.
      this.composed = replacement;
      this.emit({ type: "composition", action: "update", text: replacement });
      return;
    }
    for (let i = 0; i < replaced; i++) this.sendKey("Backspace");
    this.sendText(replacement);
    this.resetValue();
  }

  private readonly onInput = (): void => {
    // Whatever got into the textarea outside a composition has been sent already.
    if (!this.composing) this.resetValue();
  };

  // ---- composition: IME words ------------------------------------------------------------------

  private readonly onCompositionStart = (e: CompositionEvent): void => {
    this.composing = true;
    this.composed = "";
    if (e.data) this.updateComposition(e.data);
  };

  private readonly onCompositionUpdate = (e: CompositionEvent): void => {
    if (!this.composing) this.composing = true;
    this.updateComposition(e.data ?? "");
  };

  private readonly onCompositionEnd = (e: CompositionEvent): void => {
    if (!this.composing) return;
    this.composing = false;
    const text = e.data ?? this.composed;
    this.composed = "";
    if (text) {
      this.emit({ type: "composition", action: "commit", text });
      this.sentenceStart = SENTENCE_END.test(text);
    } else {
      this.emit({ type: "composition", action: "cancel", text: "" });
    }
    // Not in the middle of the IME's own commit: once it is done.
    setTimeout(() => {
      if (!this.composing) this.resetValue();
    }, 0);
  };

  private updateComposition(text: string): void {
    if (text === this.composed) return;
    this.composed = text;
    this.emit({ type: "composition", action: "update", text });
  }

  /** Drops a composition the keyboard will not finish (the field changed or lost the focus). */
  private endComposition(): void {
    if (!this.composing) return;
    this.composing = false;
    this.composed = "";
    this.emit({ type: "composition", action: "cancel", text: "" });
  }

  /** Empties the textarea, keeping only the caret context (see NEUTRAL_CONTEXT). */
  private resetValue(): void {
    const textarea = this.textarea;
    if (!textarea) return;
    const value = this.sentenceStart ? "" : NEUTRAL_CONTEXT;
    if (textarea.value !== value) textarea.value = value;
    textarea.setSelectionRange(value.length, value.length);
  }
}

function keyboardAttributes(textarea: HTMLTextAreaElement): string {
  return ["inputmode", "enterkeyhint", "autocapitalize", "autocorrect"].map((name) => textarea.getAttribute(name) ?? "").join("|");
}

declare global {
  interface HTMLElementTagNameMap {
    "jiomosa-keyboard-bridge": JiomosaKeyboardBridge;
  }
}

customElements.define("jiomosa-keyboard-bridge", JiomosaKeyboardBridge);
