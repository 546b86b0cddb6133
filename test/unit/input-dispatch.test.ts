import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CDPSession } from "playwright-core";
import type { InputMessage, Viewport } from "../../protocol/index.js";
import { InputDispatcher } from "../../renderer/input/input-dispatcher.js";
import { createLogger } from "../../renderer/log.js";
import { type InputTargets, routeInput } from "../../renderer/sessions/input-router.js";

interface Sent {
  method: string;
  params: Record<string, unknown>;
}

/** A page's input CDP session that keeps what it was sent, in order. */
function fakeCdp(): { cdp: CDPSession; sent: Sent[] } {
  const sent: Sent[] = [];
  const cdp = {
    send: (method: string, params: Record<string, unknown>) => {
      sent.push({ method, params });
      return Promise.resolve({});
    },
  } as unknown as CDPSession;
  return { cdp, sent };
}

/** A session's input targets around a real dispatcher; the page-side calls are recorded. */
function session(viewport: Viewport = { width: 800, height: 600 }) {
  const { cdp, sent } = fakeCdp();
  const dispatcher = new InputDispatcher(cdp, viewport, createLogger("silent"));
  const calls: unknown[][] = [];
  const targets: InputTargets = {
    replay: () => dispatcher,
    resize: (v) => calls.push(["resize", v]),
    navigate: (action) => calls.push(["navigate", action]),
    answerSelect: (id, indexes) => calls.push(["select", id, indexes]),
    answerDialog: (id, accept, text) => calls.push(["dialog", id, accept, text]),
  };
  return { send: (input: InputMessage) => routeInput(input, targets), sent, calls, dispatcher };
}

describe("input dispatch", () => {
  it("a tap presses and releases the left button where the finger was, inside the viewport", () => {
    const s = session();
    s.send({ type: "click", x: 900, y: 20 });
    assert.deepEqual(
      s.sent.map((c) => [c.params.type, c.params.x, c.params.y, c.params.button]),
      [
        ["mouseMoved", 799, 20, "none"],
        ["mousePressed", 799, 20, "left"],
        ["mouseReleased", 799, 20, "left"],
      ],
    );
    assert.ok(s.sent.every((c) => c.method === "Input.dispatchMouseEvent"));
  });

  it("a key goes down with its text and comes up; with Control held it is a shortcut without text", () => {
    const s = session();
    s.send({ type: "key", key: "a" });
    s.send({ type: "key", key: "a", modifiers: ["Control"] });
    assert.deepEqual(
      s.sent.map((c) => [c.method, c.params.type, c.params.text]),
      [
        ["Input.dispatchKeyEvent", "keyDown", "a"],
        ["Input.dispatchKeyEvent", "keyUp", undefined],
        ["Input.dispatchKeyEvent", "rawKeyDown", undefined],
        ["Input.dispatchKeyEvent", "keyUp", undefined],
      ],
    );
  });

  it("a scroll without a position wheels where the pointer last was", () => {
    const s = session();
    s.send({ type: "scroll", deltaY: 120 });
    s.send({ type: "click", x: 10, y: 30 });
    s.send({ type: "scroll", deltaY: -40, deltaX: 5 });
    const wheels = s.sent.filter((c) => c.params.type === "mouseWheel").map((c) => c.params);
    assert.deepEqual(wheels, [
      { type: "mouseWheel", x: 400, y: 300, deltaX: 0, deltaY: 120 },
      { type: "mouseWheel", x: 10, y: 30, deltaX: 5, deltaY: -40 },
    ]);
  });

  it("a resize goes to the session's viewport, not to the page's CDP input", () => {
    const s = session();
    s.send({ type: "resize", width: 1024, height: 768 });
    assert.deepEqual(s.calls, [["resize", { width: 1024, height: 768 }]]);
    assert.deepEqual(s.sent, []);
  });

  it("the navigation bar and the answers to pickers and dialogs reach the page bridge", () => {
    const s = session();
    s.send({ type: "navigate", action: "back" });
    s.send({ type: "select-answer", id: "s1", indexes: [2] });
    s.send({ type: "dialog-answer", id: "d1", accept: true, text: "ok" });
    assert.deepEqual(s.calls, [
      ["navigate", "back"],
      ["select", "s1", [2]],
      ["dialog", "d1", true, "ok"],
    ]);
    assert.deepEqual(s.sent, []);
  });

  it("empty text sends nothing, and nothing is replayed once the dispatcher is closed", () => {
    const s = session();
    s.send({ type: "text", text: "" });
    s.dispatcher.close();
    s.send({ type: "click", x: 1, y: 1 });
    s.send({ type: "touch", action: "start", points: [{ id: 0, x: 1, y: 1 }] });
    assert.deepEqual(s.sent, []);
  });
});
