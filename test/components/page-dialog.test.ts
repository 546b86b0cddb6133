import { expect } from "@esm-bundle/chai";
import { sendKeys } from "@web/test-runner-commands";
import type { DialogEvent, InputMessage } from "../../protocol/index.js";
import "../../viewer/src/session-view/page-dialog.js";
import type { JiomosaPageDialog } from "../../viewer/src/session-view/page-dialog.js";

describe("<jiomosa-page-dialog>", () => {
  let element: JiomosaPageDialog;
  let received: InputMessage[];
  const onInput = (e: Event) => received.push((e as CustomEvent<InputMessage>).detail);

  async function show(dialog: DialogEvent) {
    element.dialog = dialog;
    await element.updateComplete;
    return element.shadowRoot!.querySelector<HTMLElement>(".dialog")!;
  }
  const button = (name: "accept" | "dismiss") => element.shadowRoot!.querySelector<HTMLButtonElement>(`.dialog button.${name}`);

  beforeEach(async () => {
    received = [];
    element = document.createElement("jiomosa-page-dialog");
    element.origin = "shop.example";
    document.body.append(element);
    element.addEventListener("jiomosa-input", onInput);
    await element.updateComplete;
  });

  afterEach(() => element.remove());

  it("shows nothing until a dialog arrives", () => {
    expect(element.shadowRoot!.querySelector(".dialog")).to.equal(null);
    expect(getComputedStyle(element).display).to.equal("none");
  });

  it("answers a confirm with accept or dismiss", async () => {
    const dialog = await show({ type: "dialog", id: "d1", kind: "confirm", message: "Delete the basket?" });
    expect(dialog.dataset.kind).to.equal("confirm");
    expect(dialog.querySelector(".message")!.textContent).to.equal("Delete the basket?");
    expect(dialog.textContent).to.contain("shop.example says");
    button("accept")!.click();
    await show({ type: "dialog", id: "d2", kind: "confirm", message: "Really?" });
    button("dismiss")!.click();
    expect(received).to.deep.equal([
      { type: "dialog-answer", id: "d1", accept: true },
      { type: "dialog-answer", id: "d2", accept: false },
    ]);
    await element.updateComplete;
    expect(element.shadowRoot!.querySelector(".dialog")).to.equal(null);
  });

  it("has only OK for an alert", async () => {
    await show({ type: "dialog", id: "d3", kind: "alert", message: "Saved." });
    expect(button("dismiss")).to.equal(null);
    expect(button("accept")!.textContent.trim()).to.equal("OK");
    button("accept")!.click();
    expect(received).to.deep.equal([{ type: "dialog-answer", id: "d3", accept: true }]);
  });

  it("sends what the user typed into a prompt", async () => {
    await show({ type: "dialog", id: "d4", kind: "prompt", message: "Your name?", defaultValue: "Guest" });
    const input = element.shadowRoot!.querySelector<HTMLInputElement>(".dialog input.prompt")!;
    expect(input.value).to.equal("Guest");
    expect(element.shadowRoot!.activeElement).to.equal(input);
    await sendKeys({ type: "Ada" }); // The default is selected, so typing replaces it.
    await sendKeys({ press: "Enter" });
    expect(received).to.deep.equal([{ type: "dialog-answer", id: "d4", accept: true, text: "Ada" }]);
  });

  it("sends no text when a prompt is cancelled", async () => {
    await show({ type: "dialog", id: "d5", kind: "prompt", message: "Your name?", defaultValue: "Guest" });
    button("dismiss")!.click();
    expect(received).to.deep.equal([{ type: "dialog-answer", id: "d5", accept: false }]);
  });

  it("asks Leave this page? with Leave and Stay before unload", async () => {
    const dialog = await show({ type: "dialog", id: "d6", kind: "beforeunload", message: "" });
    expect(dialog.dataset.kind).to.equal("beforeunload");
    expect(dialog.textContent).to.contain("Leave this page?");
    expect(button("accept")!.textContent.trim()).to.equal("Leave");
    expect(button("dismiss")!.textContent.trim()).to.equal("Stay");
    button("dismiss")!.click();
    expect(received).to.deep.equal([{ type: "dialog-answer", id: "d6", accept: false }]);
  });
});
