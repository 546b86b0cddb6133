import { expect } from "@esm-bundle/chai";
import { sendKeys } from "@web/test-runner-commands";
import { type InputMessage, readInputMessage } from "../../protocol/index.js";
import "../../viewer/src/session-view/keyboard-bridge.js";
import { type JiomosaKeyboardBridge, NEUTRAL_CONTEXT } from "../../viewer/src/session-view/keyboard-bridge.js";

describe("<jiomosa-keyboard-bridge>", () => {
  let bridge: JiomosaKeyboardBridge;
  let textarea: HTMLTextAreaElement;
  let received: InputMessage[];
  const onInput = (e: Event) => received.push((e as CustomEvent<InputMessage>).detail);

  /** What a soft keyboard does: events on the textarea, in the order Chromium fires them. */
  const fire = {
    beforeinput(inputType: string, data: string | null = null): InputEvent {
      const event = new InputEvent("beforeinput", { inputType, data, bubbles: true, composed: true, cancelable: true });
      textarea.dispatchEvent(event);
      return event;
    },
    input(inputType: string, data: string | null = null, isComposing = false): void {
      textarea.dispatchEvent(new InputEvent("input", { inputType, data, isComposing, bubbles: true, composed: true }));
    },
    composition(type: "compositionstart" | "compositionupdate" | "compositionend", data: string): void {
      textarea.dispatchEvent(new CompositionEvent(type, { data, bubbles: true, composed: true }));
    },
    /** Android: every soft-keyboard keydown is "Unidentified" with keyCode 229. */
    imeKeydown(): KeyboardEvent {
      const event = new KeyboardEvent("keydown", { key: "Unidentified", keyCode: 229, bubbles: true, composed: true, cancelable: true });
      textarea.dispatchEvent(event);
      return event;
    },
  };

  beforeEach(async () => {
    received = [];
    bridge = document.createElement("jiomosa-keyboard-bridge");
    document.body.append(bridge);
    await bridge.updateComplete;
    textarea = bridge.textarea!;
    bridge.addEventListener("jiomosa-input", onInput);
  });

  afterEach(() => {
    // Whatever the bridge sends must pass the renderer's own validator unchanged.
    for (const message of received) expect(readInputMessage(JSON.parse(JSON.stringify(message)))).to.deep.equal(message);
    bridge.remove();
  });

  it("takes the focus for an editable field, with the keyboard that field wants", () => {
    expect(textarea.classList.contains("keyboard-bridge")).to.equal(true);
    expect(parseFloat(getComputedStyle(textarea).fontSize)).to.be.at.least(16);
    expect(bridge.active).to.equal(false);

    bridge.open({ type: "focus", editable: true, inputType: "email", enterKeyHint: "go" });
    expect(bridge.active).to.equal(true);
    expect(bridge.shadowRoot!.activeElement).to.equal(textarea);
    expect(textarea.getAttribute("inputmode")).to.equal("email");
    expect(textarea.getAttribute("enterkeyhint")).to.equal("go");
    expect(textarea.getAttribute("autocapitalize")).to.equal("off");
    expect(textarea.getAttribute("autocorrect")).to.equal("off");
    expect(textarea.spellcheck).to.equal(false);

    const modeFor = (focus: { inputType?: string; inputMode?: string }) => {
      bridge.open({ type: "focus", editable: true, ...focus });
      return textarea.getAttribute("inputmode");
    };
    expect(modeFor({ inputType: "number" })).to.equal("decimal");
    expect(modeFor({ inputType: "tel" })).to.equal("tel");
    expect(modeFor({ inputType: "url" })).to.equal("url");
    expect(modeFor({ inputType: "search" })).to.equal("search");
    expect(modeFor({ inputType: "text", inputMode: "numeric" })).to.equal("numeric");
    expect(modeFor({ inputType: "password" })).to.equal("text");
    expect(textarea.getAttribute("autocapitalize")).to.equal("off");
    expect(modeFor({ inputType: "textarea" })).to.equal("text");
    expect(textarea.getAttribute("autocapitalize")).to.equal("sentences");
    expect(textarea.getAttribute("autocorrect")).to.equal("on");
    expect(textarea.hasAttribute("enterkeyhint")).to.equal(false);
    expect(bridge.active).to.equal(true);
  });

  it("lets go of the focus when the field loses it", () => {
    bridge.open({ type: "focus", editable: true, inputType: "text" });
    expect(bridge.active).to.equal(true);
    bridge.close();
    expect(bridge.active).to.equal(false);
    expect(document.activeElement).to.not.equal(bridge);
  });

  it("focuses again on a tap, so Android shows a keyboard the user had hidden", () => {
    let focuses = 0;
    textarea.addEventListener("focus", () => (focuses += 1));
    bridge.open({ type: "focus", editable: true, inputType: "text" });
    bridge.showKeyboard(); // Still focused: a fresh focus within the tap's user activation.
    expect(focuses).to.equal(2);
    expect(bridge.active).to.equal(true);
    textarea.blur();
    bridge.showKeyboard();
    expect(focuses).to.equal(3);
    expect(bridge.active).to.equal(true);
  });

  it("sends soft-keyboard text from beforeinput, not from keydown", () => {
    bridge.open({ type: "focus", editable: true, inputType: "text" });
    const keydown = fire.imeKeydown();
    const insert = fire.beforeinput("insertText", "a");
    fire.imeKeydown();
    fire.beforeinput("insertText", " ");
    expect(received).to.deep.equal([
      { type: "text", text: "a" },
      { type: "text", text: " " },
    ]);
    expect(keydown.defaultPrevented).to.equal(false);
    expect(insert.defaultPrevented).to.equal(true);
  });

  it("sends a composing word as composition updates, then one commit", () => {
    bridge.open({ type: "focus", editable: true, inputType: "text" });
    fire.composition("compositionstart", "");
    for (const text of ["h", "he", "hel", "hell", "hello"]) {
      fire.beforeinput("insertCompositionText", text);
      fire.composition("compositionupdate", text);
      textarea.value = text; // What the IME did to the textarea.
      fire.input("insertCompositionText", text, true);
    }
    expect(textarea.value).to.equal("hello"); // Kept while composing: the IME edits it.
    fire.composition("compositionend", "hello");
    fire.beforeinput("insertText", " ");
    expect(received).to.deep.equal([
      { type: "composition", action: "update", text: "h" },
      { type: "composition", action: "update", text: "he" },
      { type: "composition", action: "update", text: "hel" },
      { type: "composition", action: "update", text: "hell" },
      { type: "composition", action: "update", text: "hello" },
      { type: "composition", action: "commit", text: "hello" },
      { type: "text", text: " " },
    ]);
  });

  it("does not let the textarea grow", async () => {
    bridge.open({ type: "focus", editable: true, inputType: "text" });
    for (const word of ["one", "two", "three"]) {
      fire.composition("compositionstart", "");
      fire.composition("compositionupdate", word);
      textarea.value += word;
      fire.composition("compositionend", word);
      await new Promise((resolve) => setTimeout(resolve, 10));
      textarea.value += " ";
      fire.input("insertText", " ");
    }
    // At most the neutral context stays, so the IME does not capitalise every word.
    expect([NEUTRAL_CONTEXT, ""]).to.include(textarea.value);
    expect(
      received.filter((m) => m.type === "composition" && m.action === "commit").map((m) => m.type === "composition" && m.text),
    ).to.deep.equal(["one", "two", "three"]);
  });

  it("deletes inside a composition by shortening it, and outside with Backspace", () => {
    bridge.open({ type: "focus", editable: true, inputType: "text" });
    fire.composition("compositionstart", "");
    fire.composition("compositionupdate", "ab");
    const inside = fire.beforeinput("deleteContentBackward");
    fire.composition("compositionupdate", "a");
    fire.composition("compositionupdate", "");
    fire.composition("compositionend", "");
    fire.imeKeydown();
    const outside = fire.beforeinput("deleteContentBackward");
    fire.beforeinput("deleteContentForward");
    expect(received).to.deep.equal([
      { type: "composition", action: "update", text: "ab" },
      { type: "composition", action: "update", text: "a" },
      { type: "composition", action: "update", text: "" },
      { type: "composition", action: "cancel", text: "" },
      { type: "key", key: "Backspace" },
      { type: "key", key: "Delete" },
    ]);
    expect(inside.defaultPrevented).to.equal(false); // The IME owns the composing text.
    expect(outside.defaultPrevented).to.equal(true);
  });

  it("sends Enter for a line break or paragraph from the keyboard", () => {
    bridge.open({ type: "focus", editable: true, inputType: "textarea" });
    fire.beforeinput("insertLineBreak");
    fire.beforeinput("insertParagraph");
    expect(received).to.deep.equal([
      { type: "key", key: "Enter" },
      { type: "key", key: "Enter" },
    ]);
  });

  it("replaces an autocorrected word: Backspace for each old character, then the new text", () => {
    bridge.open({ type: "focus", editable: true, inputType: "text" });
    textarea.value = "teh";
    textarea.setSelectionRange(0, 3);
    const event = fire.beforeinput("insertReplacementText", "the");
    expect(received).to.deep.equal([
      { type: "key", key: "Backspace" },
      { type: "key", key: "Backspace" },
      { type: "key", key: "Backspace" },
      { type: "text", text: "the" },
    ]);
    expect(event.defaultPrevented).to.equal(true);
    expect(textarea.value.length).to.be.at.most(1);
  });

  it("types a hardware keyboard's characters once and sends its named keys and shortcuts as keys", async () => {
    bridge.open({ type: "focus", editable: true, inputType: "text" });
    await sendKeys({ type: "Hi!" });
    await sendKeys({ press: "Backspace" });
    await sendKeys({ press: "Enter" });
    await sendKeys({ press: "Shift+Tab" });
    await sendKeys({ press: "ArrowLeft" });
    await sendKeys({ press: "Escape" });
    await sendKeys({ press: "Control+a" });
    expect(received).to.deep.equal([
      { type: "text", text: "H" },
      { type: "text", text: "i" },
      { type: "text", text: "!" },
      { type: "key", key: "Backspace" },
      { type: "key", key: "Enter" },
      { type: "key", key: "Tab", modifiers: ["Shift"] },
      { type: "key", key: "ArrowLeft" },
      { type: "key", key: "Escape" },
      { type: "key", key: "a", modifiers: ["Control"] },
    ]);
    expect(textarea.value.length).to.be.at.most(1);
    expect(bridge.active).to.equal(true); // Tab did not move the focus away.
  });
});
