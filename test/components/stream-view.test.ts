import { expect } from "@esm-bundle/chai";
import { type InputMessage, readInputMessage } from "../../protocol/index.js";
import "../../viewer/src/session-view/stream-view.js";
import type { JiomosaStreamView } from "../../viewer/src/session-view/stream-view.js";
import { waitFor } from "./session-fakes.js";

/** A 1280x720 source that keeps producing frames: a canvas redrawn on a timer. */
function startCanvasStream(): { stream: MediaStream; stop: () => void } {
  const canvas = document.createElement("canvas");
  canvas.width = 1280;
  canvas.height = 720;
  const ctx = canvas.getContext("2d")!;
  let n = 0;
  const draw = () => {
    n += 1;
    ctx.fillStyle = n % 2 ? "#204080" : "#802040";
    ctx.fillRect(0, 0, 1280, 720);
    ctx.fillStyle = "#fff";
    ctx.fillRect((n * 20) % 1280, 300, 80, 80);
  };
  draw();
  const stream = canvas.captureStream(30);
  const timer = setInterval(draw, 33);
  return {
    stream,
    stop: () => {
      clearInterval(timer);
      for (const track of stream.getTracks()) track.stop();
    },
  };
}

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

function pointer(type: string, clientX: number, clientY: number, init: PointerEventInit = {}): PointerEvent {
  return new PointerEvent(type, {
    clientX,
    clientY,
    pointerId: 7,
    pointerType: "mouse",
    isPrimary: true,
    button: type === "pointermove" ? -1 : 0,
    buttons: type === "pointerup" ? 0 : 1,
    bubbles: true,
    composed: true,
    cancelable: true,
    ...init,
  });
}

describe("<jiomosa-stream-view>", () => {
  let view: JiomosaStreamView;
  let source: { stream: MediaStream; stop: () => void };
  let received: InputMessage[];
  const onInput = (e: Event) => received.push((e as CustomEvent<InputMessage>).detail);

  // The element is 400x400 at the page's origin; the 16:9 picture is 400x225 with 87.5 px bars above and below.
  beforeEach(async () => {
    received = [];
    document.addEventListener("jiomosa-input", onInput);
    view = document.createElement("jiomosa-stream-view");
    view.style.cssText = "position:fixed;left:0;top:0;width:400px;height:400px";
    document.body.append(view);
    source = startCanvasStream();
    view.stream = source.stream;
    await view.updateComplete;
    await waitFor(() => view.video && view.video.videoWidth === 1280 && view.video.videoHeight === 720, "video metadata", 10_000);
  });

  afterEach(() => {
    // Whatever the view emits must pass the renderer's own validator unchanged.
    for (const message of received) expect(readInputMessage(JSON.parse(JSON.stringify(message)))).to.deep.equal(message);
    document.removeEventListener("jiomosa-input", onInput);
    view.remove();
    source.stop();
  });

  it("plays the stream in a muted inline video that fills the element", () => {
    const video = view.video!;
    expect(video.srcObject).to.equal(source.stream);
    expect(video.muted).to.equal(true);
    expect(video.autoplay).to.equal(true);
    expect(video.hasAttribute("playsinline")).to.equal(true);
    expect(getComputedStyle(video).objectFit).to.equal("contain");
    const rect = video.getBoundingClientRect();
    expect([rect.width, rect.height]).to.deep.equal([400, 400]);
    expect(getComputedStyle(view).touchAction).to.equal("none");
  });

  it("counts presented frames", async () => {
    await waitFor(() => view.frameCount >= 3, "three presented frames", 10_000);
    expect(view.frameCount).to.be.greaterThan(2);
  });

  it("maps a click to page coordinates through the letterbox", async () => {
    const down = pointer("pointerdown", 200, 200);
    view.dispatchEvent(down);
    view.dispatchEvent(pointer("pointerup", 100, 143.75));
    expect(received).to.deep.equal([
      { type: "pointer", action: "down", x: 640, y: 360, button: "left" },
      { type: "pointer", action: "up", x: 320, y: 180, button: "left" },
    ]);
    expect(down.defaultPrevented).to.equal(true);
    expect(document.activeElement).to.equal(view);
  });

  it("ignores a press in the letterbox bar", async () => {
    view.dispatchEvent(pointer("pointerdown", 200, 40));
    view.dispatchEvent(pointer("pointermove", 200, 200));
    view.dispatchEvent(pointer("pointerup", 200, 200));
    await nextFrame();
    await nextFrame();
    // No press and no release: the mouse only hovered into the picture.
    expect(received).to.deep.equal([{ type: "pointer", action: "move", x: 640, y: 360 }]);
  });

  it("uses the viewport property for page coordinates when set", async () => {
    // The renderer may stream a scaled-down picture; coordinates stay in the page's CSS pixels.
    view.viewport = { width: 2560, height: 1440 };
    await view.updateComplete;
    view.dispatchEvent(pointer("pointerdown", 100, 143.75));
    view.dispatchEvent(pointer("pointerup", 100, 143.75));
    expect(received.map((m) => m.type === "pointer" && [m.action, m.x, m.y])).to.deep.equal([
      ["down", 640, 360],
      ["up", 640, 360],
    ]);
  });

  it("coalesces moves to one per frame and clamps a drag that leaves the picture", async () => {
    view.dispatchEvent(pointer("pointerdown", 200, 200));
    view.dispatchEvent(pointer("pointermove", 210, 200));
    view.dispatchEvent(pointer("pointermove", 220, 200));
    view.dispatchEvent(pointer("pointermove", 240, 200));
    await nextFrame();
    await nextFrame();
    view.dispatchEvent(pointer("pointermove", 200, 10)); // Into the top bar while pressed.
    view.dispatchEvent(pointer("pointerup", 200, 10));
    expect(received).to.deep.equal([
      { type: "pointer", action: "down", x: 640, y: 360, button: "left" },
      { type: "pointer", action: "move", x: 768, y: 360, button: "left" },
      { type: "pointer", action: "move", x: 640, y: 0, button: "left" },
      { type: "pointer", action: "up", x: 640, y: 0, button: "left" },
    ]);
  });

  it("sends mouse hover moves but not touch hovers", async () => {
    view.dispatchEvent(pointer("pointermove", 100, 143.75, { pointerType: "touch", buttons: 0 }));
    await nextFrame();
    expect(received).to.deep.equal([]);
    view.dispatchEvent(pointer("pointermove", 100, 143.75, { pointerType: "mouse", buttons: 0 }));
    view.dispatchEvent(pointer("pointermove", 300, 256.25, { pointerType: "mouse", buttons: 0 }));
    await nextFrame();
    await nextFrame();
    expect(received).to.deep.equal([{ type: "pointer", action: "move", x: 960, y: 540 }]);
  });

  it("sends a hover move that is still waiting for its frame before a press", async () => {
    view.dispatchEvent(pointer("pointermove", 100, 143.75, { pointerType: "mouse", buttons: 0 }));
    view.dispatchEvent(pointer("pointerdown", 200, 200, { pointerType: "mouse" }));
    await nextFrame();
    await nextFrame();
    view.dispatchEvent(pointer("pointerup", 200, 200, { pointerType: "mouse" }));
    expect(received).to.deep.equal([
      { type: "pointer", action: "move", x: 320, y: 180 },
      { type: "pointer", action: "down", x: 640, y: 360, button: "left" },
      { type: "pointer", action: "up", x: 640, y: 360, button: "left" },
    ]);
  });

  it("keeps a pen on pointer messages", () => {
    view.dispatchEvent(pointer("pointerdown", 200, 200, { pointerType: "pen" }));
    view.dispatchEvent(pointer("pointerup", 100, 143.75, { pointerType: "pen" }));
    expect(received).to.deep.equal([
      { type: "pointer", action: "down", x: 640, y: 360, button: "left" },
      { type: "pointer", action: "up", x: 320, y: 180, button: "left" },
    ]);
  });

  it("reports the mouse button", () => {
    view.dispatchEvent(pointer("pointerdown", 200, 200, { pointerType: "mouse", button: 2, buttons: 2 }));
    view.dispatchEvent(pointer("pointerup", 200, 200, { pointerType: "mouse", button: 2, buttons: 0 }));
    expect(received.map((m) => m.type === "pointer" && m.button)).to.deep.equal(["right", "right"]);
  });

  it("turns the wheel into a scroll at the pointer, in pixels", () => {
    const lines = new WheelEvent("wheel", {
      clientX: 200,
      clientY: 200,
      deltaY: 3,
      deltaMode: WheelEvent.DOM_DELTA_LINE,
      bubbles: true,
      cancelable: true,
    });
    view.dispatchEvent(lines);
    // MouseEvent client coordinates are whole pixels (only PointerEvent keeps fractions).
    const pixels = new WheelEvent("wheel", { clientX: 100, clientY: 200, deltaX: -12.5, deltaY: 0, bubbles: true, cancelable: true });
    view.dispatchEvent(pixels);
    const pages = new WheelEvent("wheel", {
      clientX: 200,
      clientY: 20,
      deltaY: 1,
      deltaMode: WheelEvent.DOM_DELTA_PAGE,
      bubbles: true,
      cancelable: true,
    });
    view.dispatchEvent(pages);
    expect(received).to.deep.equal([
      { type: "scroll", deltaX: 0, deltaY: 120, x: 640, y: 360 },
      { type: "scroll", deltaX: -12.5, deltaY: 0, x: 320, y: 360 },
      { type: "scroll", deltaX: 0, deltaY: 720 }, // Over a bar: no position.
    ]);
    expect(lines.defaultPrevented).to.equal(true);
  });

  it("sends printable keys as text and the rest as keys", () => {
    view.focus();
    const key = (init: KeyboardEventInit) => {
      const event = new KeyboardEvent("keydown", { bubbles: true, composed: true, cancelable: true, ...init });
      view.dispatchEvent(event);
      return event;
    };
    const a = key({ key: "a" });
    key({ key: "A", shiftKey: true });
    key({ key: " " });
    key({ key: "é" });
    key({ key: "Enter" });
    key({ key: "c", ctrlKey: true });
    key({ key: "Tab", shiftKey: true });
    key({ key: "Shift", shiftKey: true }); // A modifier alone sends nothing.
    key({ key: "Unidentified", keyCode: 229 }); // IME: sends nothing.
    expect(received).to.deep.equal([
      { type: "text", text: "a" },
      { type: "text", text: "A" },
      { type: "text", text: " " },
      { type: "text", text: "é" },
      { type: "key", key: "Enter" },
      { type: "key", key: "c", modifiers: ["Control"] },
      { type: "key", key: "Tab", modifiers: ["Shift"] },
    ]);
    expect(a.defaultPrevented).to.equal(true);
    expect(view.tabIndex).to.equal(0);
  });

  // ---- touch: page pixels are 3.2 × client pixels (1280 / 400) -------------------------------

  const finger = (type: string, id: number, clientX: number, clientY: number, init: PointerEventInit = {}) =>
    pointer(type, clientX, clientY, { pointerType: "touch", pointerId: id, isPrimary: id === 11, ...init });

  it("sends fingers as touch points with stable ids, one move per frame, and the fingers still down", async () => {
    const first = finger("pointerdown", 11, 200, 200, { width: 20, height: 10, pressure: 0.5 });
    view.dispatchEvent(first);
    view.dispatchEvent(finger("pointerdown", 12, 100, 143.75));
    view.dispatchEvent(finger("pointermove", 11, 210, 200, { width: 20, height: 10, pressure: 0.5 }));
    view.dispatchEvent(finger("pointermove", 12, 110, 143.75));
    view.dispatchEvent(finger("pointermove", 11, 240, 200, { width: 20, height: 10, pressure: 0.6 }));
    await nextFrame();
    await nextFrame();
    view.dispatchEvent(finger("pointerup", 11, 240, 200, { width: 20, height: 10, pressure: 0 }));
    view.dispatchEvent(finger("pointerdown", 13, 300, 256.25)); // Takes the free id 0.
    view.dispatchEvent(finger("pointerup", 12, 110, 143.75));
    view.dispatchEvent(finger("pointerup", 13, 300, 256.25));
    const a0 = { id: 0, x: 640, y: 360, radiusX: 32, radiusY: 16, force: 0.5 };
    const b = { id: 1, x: 320, y: 180 };
    // Each message carries when its pointer event happened, in order, so the renderer keeps the rhythm of taps.
    const times = received.map((m) => (m.type === "touch" ? m.time : undefined));
    expect(times.every((t, i) => typeof t === "number" && (i === 0 || t >= times[i - 1]!))).to.equal(true);
    expect(received.map((m) => (m.type === "touch" ? { type: m.type, action: m.action, points: m.points } : m))).to.deep.equal([
      { type: "touch", action: "start", points: [a0] },
      { type: "touch", action: "start", points: [a0, b] },
      {
        type: "touch",
        action: "move",
        points: [
          { ...a0, x: 768, force: 0.6 },
          { ...b, x: 352 },
        ],
      },
      { type: "touch", action: "end", points: [{ ...b, x: 352 }] },
      {
        type: "touch",
        action: "start",
        points: [
          { ...b, x: 352 },
          { id: 0, x: 960, y: 540 },
        ],
      },
      { type: "touch", action: "end", points: [{ id: 0, x: 960, y: 540 }] },
      { type: "touch", action: "end", points: [] },
    ]);
    expect(first.defaultPrevented).to.equal(true);
    // A finger never takes the focus (that would close the soft keyboard of the keyboard bridge).
    expect(document.activeElement).to.not.equal(view);
  });

  it("sends a pending move before the next start or end, never after", () => {
    view.dispatchEvent(finger("pointerdown", 11, 200, 200));
    view.dispatchEvent(finger("pointermove", 11, 220, 200));
    view.dispatchEvent(finger("pointerdown", 12, 100, 200));
    view.dispatchEvent(finger("pointermove", 12, 120, 200));
    view.dispatchEvent(finger("pointerup", 11, 220, 200));
    view.dispatchEvent(finger("pointerup", 12, 120, 200));
    expect(received.map((m) => m.type === "touch" && `${m.action}:${m.points.map((p) => `${p.id}@${p.x}`).join(",")}`)).to.deep.equal([
      "start:0@640",
      "move:0@704",
      "start:0@704,1@320",
      "move:0@704,1@384",
      "end:1@384",
      "end:",
    ]);
  });

  it("cancels the whole touch sequence on pointercancel", async () => {
    view.dispatchEvent(finger("pointerdown", 11, 200, 200));
    view.dispatchEvent(finger("pointerdown", 12, 100, 200));
    view.dispatchEvent(finger("pointermove", 11, 220, 200));
    view.dispatchEvent(finger("pointercancel", 11, 220, 200));
    view.dispatchEvent(finger("pointermove", 12, 150, 200));
    view.dispatchEvent(finger("pointerup", 12, 150, 200));
    await nextFrame();
    await nextFrame();
    expect(received.map((m) => m.type === "touch" && [m.action, m.points.length])).to.deep.equal([
      ["start", 1],
      ["start", 2],
      ["cancel", 0],
    ]);
  });

  it("ignores a finger that lands in a letterbox bar", async () => {
    view.dispatchEvent(finger("pointerdown", 11, 200, 40));
    view.dispatchEvent(finger("pointermove", 11, 200, 200));
    view.dispatchEvent(finger("pointerup", 11, 200, 200));
    await nextFrame();
    expect(received).to.deep.equal([]);
  });
});

describe("<jiomosa-stream-view> sound", () => {
  let view: JiomosaStreamView;
  let audio: AudioContext;
  let stream: MediaStream;
  let source: { stream: MediaStream; stop: () => void };

  beforeEach(() => {
    audio = new AudioContext();
    source = startCanvasStream();
    stream = new MediaStream([...source.stream.getVideoTracks(), ...audio.createMediaStreamDestination().stream.getAudioTracks()]);
    view = document.createElement("jiomosa-stream-view");
    view.style.cssText = "position:fixed;left:0;top:0;width:400px;height:400px";
    document.body.append(view);
  });

  afterEach(async () => {
    view.remove();
    source.stop();
    await audio.close();
  });

  it("starts muted and applies muted and volume to the video at once, not at the next render", async () => {
    view.stream = stream;
    await view.updateComplete;
    const video = view.video!;
    expect([view.muted, video.muted, video.volume]).to.deep.equal([true, true, 1]);
    view.volume = 0.5;
    expect(video.volume).to.equal(0.5);
    view.volume = -3;
    expect(video.volume).to.equal(0);
    view.muted = false;
    expect(video.muted).to.equal(false);
    view.muted = true;
    expect(video.muted).to.equal(true);
  });

  it("goes back to muted, and says so, when the browser will not play sound without a gesture", async () => {
    // Nothing in this page was clicked: Chromium's autoplay policy refuses sound.
    let refused = 0;
    view.addEventListener("jiomosa-sound-refused", () => (refused += 1));
    view.muted = false;
    view.stream = stream;
    await view.updateComplete;
    await waitFor(() => refused > 0, "the refusal", 10_000);
    expect([view.muted, view.video!.muted]).to.deep.equal([true, true]);
    await waitFor(() => !view.video!.paused, "the muted video to play", 10_000);
  });
});
