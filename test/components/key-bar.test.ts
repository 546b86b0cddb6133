import { expect } from "@esm-bundle/chai";
import { sendMouse } from "@web/test-runner-commands";
import type { InputMessage } from "../../protocol/index.js";
import "../../viewer/src/session-view/key-bar.js";
import type { JiomosaKeyBar } from "../../viewer/src/session-view/key-bar.js";
import "../../viewer/src/session-view/keyboard-bridge.js";
import type { JiomosaKeyboardBridge } from "../../viewer/src/session-view/keyboard-bridge.js";

describe("<jiomosa-key-bar>", () => {
  let bar: JiomosaKeyBar;
  let bridge: JiomosaKeyboardBridge;
  let received: InputMessage[];
  const onInput = (e: Event) => received.push((e as CustomEvent<InputMessage>).detail);

  beforeEach(async () => {
    received = [];
    bridge = document.createElement("jiomosa-keyboard-bridge");
    bar = document.createElement("jiomosa-key-bar");
    bar.style.cssText = "position:fixed;left:0;right:0;bottom:0";
    document.body.append(bridge, bar);
    await Promise.all([bar.updateComplete, bridge.updateComplete]);
    bar.addEventListener("jiomosa-input", onInput);
    bridge.open({ type: "focus", editable: true, inputType: "text" });
  });

  afterEach(() => {
    bar.remove();
    bridge.remove();
  });

  const button = (key: string) => bar.shadowRoot!.querySelector<HTMLButtonElement>(`.key-bar button[data-key="${key}"]`)!;

  it("shows Escape, Tab, the arrows and Enter", () => {
    const keys = [...bar.shadowRoot!.querySelectorAll<HTMLButtonElement>(".key-bar button")].map((b) => b.dataset.key);
    expect(keys).to.deep.equal(["Escape", "Tab", "ArrowLeft", "ArrowUp", "ArrowDown", "ArrowRight", "Enter"]);
    const rect = button("Enter").getBoundingClientRect();
    expect(rect.height).to.be.at.least(44); // A finger's target.
  });

  it("sends a key per press without taking the focus from the keyboard bridge", async () => {
    for (const key of ["Tab", "ArrowLeft", "Enter"]) {
      const rect = button(key).getBoundingClientRect();
      await sendMouse({ type: "click", position: [Math.round(rect.left + rect.width / 2), Math.round(rect.top + rect.height / 2)] });
      expect(bridge.active, `focus after ${key}`).to.equal(true);
    }
    expect(received).to.deep.equal([
      { type: "key", key: "Tab" },
      { type: "key", key: "ArrowLeft" },
      { type: "key", key: "Enter" },
    ]);
  });

  it("cancels the presses that would move the focus", () => {
    for (const type of ["pointerdown", "mousedown"]) {
      const Event = type === "pointerdown" ? PointerEvent : MouseEvent;
      const event = new Event(type, { bubbles: true, composed: true, cancelable: true });
      button("Escape").dispatchEvent(event);
      expect(event.defaultPrevented, type).to.equal(true);
    }
    expect(received).to.deep.equal([]); // A press alone sends nothing; the click does.
  });
});
