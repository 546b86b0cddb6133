import { expect } from "@esm-bundle/chai";
import type { InputMessage, SelectOpenEvent } from "../../protocol/index.js";
import "../../viewer/src/session-view/select-picker.js";
import type { JiomosaSelectPicker } from "../../viewer/src/session-view/select-picker.js";

const REQUEST: SelectOpenEvent = {
  type: "select-open",
  id: "f1-s3",
  multiple: false,
  options: [
    { label: "Choose a fruit", selected: false, disabled: true },
    { label: "Apple", selected: false, disabled: false, group: "Fruit" },
    { label: "Banana", selected: true, disabled: false, group: "Fruit" },
    { label: "Carrot", selected: false, disabled: false, group: "Vegetables" },
  ],
};

describe("<jiomosa-select-picker>", () => {
  let picker: JiomosaSelectPicker;
  let received: InputMessage[];
  const onInput = (e: Event) => received.push((e as CustomEvent<InputMessage>).detail);

  beforeEach(async () => {
    received = [];
    picker = document.createElement("jiomosa-select-picker");
    document.body.append(picker);
    picker.addEventListener("jiomosa-input", onInput);
    picker.request = REQUEST;
    await picker.updateComplete;
  });

  afterEach(() => picker.remove());

  const root = () => picker.shadowRoot!;
  const option = (i: number) => root().querySelector<HTMLButtonElement>(`.picker button.option[data-index="${i}"]`)!;

  it("shows every option with its group, the current choice and the disabled ones", () => {
    expect(getComputedStyle(picker).display).to.not.equal("none");
    const buttons = [...root().querySelectorAll<HTMLButtonElement>(".picker button.option")];
    expect(buttons.map((b) => [b.dataset.index, b.textContent.trim(), b.disabled, b.getAttribute("aria-selected")])).to.deep.equal([
      ["0", "Choose a fruit", true, "false"],
      ["1", "Apple", false, "false"],
      ["2", "Banana", false, "true"],
      ["3", "Carrot", false, "false"],
    ]);
    expect([...root().querySelectorAll(".group")].map((g) => g.textContent)).to.deep.equal(["Fruit", "Vegetables"]);
    expect(option(1).getBoundingClientRect().height).to.be.at.least(48);
    expect(root().querySelector("button.cancel")).to.not.equal(null);
  });

  it("answers with the chosen option's index and closes", async () => {
    option(3).click();
    expect(received).to.deep.equal([{ type: "select-answer", id: "f1-s3", indexes: [3] }]);
    await picker.updateComplete;
    expect(root().querySelector(".picker")).to.equal(null);
    expect(getComputedStyle(picker).display).to.equal("none");
  });

  it("ignores a disabled option", () => {
    option(0).dispatchEvent(new MouseEvent("click", { bubbles: true }));
    expect(received).to.deep.equal([]);
  });

  it("answers null for Cancel, the backdrop and Escape", async () => {
    root().querySelector<HTMLButtonElement>("button.cancel")!.click();
    picker.request = { ...REQUEST, id: "f1-s4" };
    await picker.updateComplete;
    root().querySelector<HTMLElement>(".backdrop")!.click();
    picker.request = { ...REQUEST, id: "f1-s5" };
    await picker.updateComplete;
    root()
      .querySelector(".picker")!
      .dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true, composed: true }));
    expect(received).to.deep.equal([
      { type: "select-answer", id: "f1-s3", indexes: null },
      { type: "select-answer", id: "f1-s4", indexes: null },
      { type: "select-answer", id: "f1-s5", indexes: null },
    ]);
  });

  it("toggles options of a multiple select and answers them all with Done", async () => {
    picker.request = { ...REQUEST, id: "f1-s6", multiple: true };
    await picker.updateComplete;
    option(1).click();
    option(2).click(); // Was selected: now not.
    option(3).click();
    await picker.updateComplete;
    expect(option(2).getAttribute("aria-selected")).to.equal("false");
    expect(option(3).getAttribute("aria-selected")).to.equal("true");
    expect(received).to.deep.equal([]);
    root().querySelector<HTMLButtonElement>("button.done")!.click();
    expect(received).to.deep.equal([{ type: "select-answer", id: "f1-s6", indexes: [1, 3] }]);
  });
});
