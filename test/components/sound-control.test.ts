import { expect } from "@esm-bundle/chai";
import "../../viewer/src/sound/sound-control.js";
import type { JiomosaSoundControl, SoundChange } from "../../viewer/src/sound/sound-control.js";

describe("<jiomosa-sound-control>", () => {
  let control: JiomosaSoundControl;
  let changes: SoundChange[];
  const onChange = (e: Event) => changes.push((e as CustomEvent<SoundChange>).detail);
  const part = <E extends Element>(testId: string) => control.shadowRoot!.querySelector<E>(`[data-testid="${testId}"]`);
  // Booleans, not elements, in assertions: a failing chai assertion on a Lit element hangs the test browser.
  const shown = (testId: string) => part(testId) !== null;

  beforeEach(async () => {
    changes = [];
    document.addEventListener("jiomosa-sound-change", onChange);
    control = document.createElement("jiomosa-sound-control");
    document.body.append(control);
    await control.updateComplete;
  });

  afterEach(() => {
    document.removeEventListener("jiomosa-sound-change", onChange);
    control.remove();
  });

  it("is a labelled toggle that is pressed while muted, with a volume slider", async () => {
    expect(control.dataset.testid).to.equal("sound-control");
    const toggle = part<HTMLButtonElement>("sound-toggle")!;
    expect(toggle.getAttribute("aria-label")).to.equal("Mute");
    expect(toggle.getAttribute("aria-pressed")).to.equal("true");
    const slider = part<HTMLInputElement>("sound-volume")!;
    expect([slider.type, slider.min, slider.max, slider.value, slider.getAttribute("aria-label")]).to.deep.equal([
      "range",
      "0",
      "1",
      "1",
      "Volume",
    ]);

    control.muted = false;
    control.volume = 0.4;
    await control.updateComplete;
    expect(toggle.getAttribute("aria-pressed")).to.equal("false");
    expect(slider.value).to.equal("0.4");
  });

  it("asks for the opposite of its state when pressed, also from the keyboard", async () => {
    part<HTMLButtonElement>("sound-toggle")!.click();
    control.muted = false;
    await control.updateComplete;
    const toggle = part<HTMLButtonElement>("sound-toggle")!;
    toggle.focus();
    expect(control.shadowRoot!.activeElement === toggle).to.equal(true); // Reachable with Tab; Enter and Space click a <button>.
    toggle.click();
    expect(changes).to.deep.equal([{ muted: false }, { muted: true }]);
  });

  it("sends the slider's volume", () => {
    const slider = part<HTMLInputElement>("sound-volume")!;
    slider.value = "0.25";
    slider.dispatchEvent(new Event("input", { bubbles: true }));
    expect(changes).to.deep.equal([{ volume: 0.25 }]);
  });

  it("reflects playing and offers a tap for sound only with hint", async () => {
    expect(control.hasAttribute("playing")).to.equal(false);
    expect(shown("sound-hint")).to.equal(false);
    control.playing = true;
    control.hint = true;
    await control.updateComplete;
    expect(control.hasAttribute("playing")).to.equal(true);
    const hint = part<HTMLButtonElement>("sound-hint")!;
    expect(hint.textContent).to.equal("Tap for sound");
    expect(hint.getBoundingClientRect().height).to.be.greaterThan(0);
    hint.click();
    expect(changes).to.deep.equal([{ muted: false }]);
  });

  it("floats as a button alone, without the slider", async () => {
    control.floating = true;
    await control.updateComplete;
    expect(control.hasAttribute("floating")).to.equal(true);
    expect(shown("sound-volume")).to.equal(false);
    expect(shown("sound-toggle")).to.equal(true);
  });
});
