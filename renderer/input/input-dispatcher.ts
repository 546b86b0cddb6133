/**
 * Replays validated protocol input on one page through CDP `Input.*`, on a CDP session of its
 * own. Which message reaches which method is decided by the session's input router. Calls are sent without awaiting each one: CDP keeps their order, and a drag must not wait
 * a round trip per move.
 */
import type { CDPSession } from "playwright-core";
import type {
  ClickInput,
  CompositionInput,
  KeyInput,
  MouseButton,
  PointerInput,
  ScrollInput,
  TextInput,
  TouchInput,
} from "../../protocol/index.js";
import type { Logger } from "../log.js";
import { keyDefinition, modifierMask } from "./keys.js";
import { TouchClock } from "./touch-clock.js";

const BUTTON_BITS: Record<MouseButton, number> = { left: 1, right: 2, middle: 4 };

export class InputDispatcher {
  private viewport: { width: number; height: number };
  private lastPointer = { x: -1, y: -1 };
  private pressed: MouseButton | null = null;
  private closed = false;
  private readonly touchClock = new TouchClock();

  constructor(
    private readonly cdp: CDPSession,
    viewport: { width: number; height: number },
    private readonly log: Logger,
    /** Told when an event goes to the page and when the page has taken it (a capture may want a frame). */
    private readonly onDispatch?: () => void,
  ) {
    this.viewport = viewport;
  }

  setViewport(viewport: { width: number; height: number }): void {
    this.viewport = viewport;
  }

  touch(input: TouchInput): void {
    if (this.closed) return;
    const type = { start: "touchStart", move: "touchMove", end: "touchEnd", cancel: "touchCancel" }[input.action];
    const touchPoints = input.points.map((p) => ({
      id: p.id,
      x: this.clampX(p.x),
      y: this.clampY(p.y),
      ...(p.radiusX !== undefined ? { radiusX: p.radiusX } : {}),
      ...(p.radiusY !== undefined ? { radiusY: p.radiusY } : {}),
      ...(p.force !== undefined ? { force: p.force } : {}),
    }));
    const first = touchPoints[0];
    if (first) this.lastPointer = { x: first.x, y: first.y };
    this.send("Input.dispatchTouchEvent", { type, touchPoints, timestamp: this.touchClock.stamp(input.time) });
  }

  composition(input: CompositionInput): void {
    if (this.closed) return;
    if (input.action === "update") {
      this.send("Input.imeSetComposition", { text: input.text, selectionStart: input.text.length, selectionEnd: input.text.length });
    } else if (input.action === "commit") {
      // insertText replaces the composition in progress with the final text.
      this.send("Input.insertText", { text: input.text });
    } else {
      this.send("Input.imeSetComposition", { text: "", selectionStart: 0, selectionEnd: 0 });
    }
  }

  private clampX(x: number): number {
    return Math.min(Math.max(0, x), this.viewport.width - 1);
  }

  private clampY(y: number): number {
    return Math.min(Math.max(0, y), this.viewport.height - 1);
  }

  click(input: ClickInput): void {
    if (this.closed) return;
    const button = input.button ?? "left";
    const x = this.clampX(input.x);
    const y = this.clampY(input.y);
    this.lastPointer = { x, y };
    this.send("Input.dispatchMouseEvent", { type: "mouseMoved", x, y, button: "none", buttons: 0 });
    this.send("Input.dispatchMouseEvent", { type: "mousePressed", x, y, button, buttons: BUTTON_BITS[button], clickCount: 1 });
    this.send("Input.dispatchMouseEvent", { type: "mouseReleased", x, y, button, buttons: 0, clickCount: 1 });
  }

  pointer(input: PointerInput): void {
    if (this.closed) return;
    const x = this.clampX(input.x);
    const y = this.clampY(input.y);
    this.lastPointer = { x, y };
    const button = input.button ?? "left";
    if (input.action === "down") {
      this.pressed = button;
      this.send("Input.dispatchMouseEvent", { type: "mouseMoved", x, y, button: "none", buttons: 0 });
      this.send("Input.dispatchMouseEvent", { type: "mousePressed", x, y, button, buttons: BUTTON_BITS[button], clickCount: 1 });
    } else if (input.action === "move") {
      const held = this.pressed;
      this.send("Input.dispatchMouseEvent", { type: "mouseMoved", x, y, button: held ?? "none", buttons: held ? BUTTON_BITS[held] : 0 });
    } else {
      // An "up" without a "down" (e.g. the down was lost with a reconnect) still releases cleanly.
      const released = this.pressed ?? button;
      this.pressed = null;
      this.send("Input.dispatchMouseEvent", { type: "mouseReleased", x, y, button: released, buttons: 0, clickCount: 1 });
    }
  }

  scroll(input: ScrollInput): void {
    if (this.closed) return;
    const hasPosition = input.x !== undefined && input.y !== undefined;
    const fallback = this.lastPointer.x >= 0 ? this.lastPointer : { x: this.viewport.width / 2, y: this.viewport.height / 2 };
    const x = this.clampX(hasPosition ? input.x! : fallback.x);
    const y = this.clampY(hasPosition ? input.y! : fallback.y);
    this.send("Input.dispatchMouseEvent", { type: "mouseWheel", x, y, deltaX: input.deltaX ?? 0, deltaY: input.deltaY });
  }

  text(input: TextInput): void {
    if (this.closed || input.text.length === 0) return;
    this.send("Input.insertText", { text: input.text });
  }

  key(input: KeyInput): void {
    if (this.closed) return;
    const def = keyDefinition(input.key);
    if (!def) {
      this.log.debug({ key: input.key }, "unknown key name ignored");
      return;
    }
    const modifiers = modifierMask(input.modifiers);
    // With Control/Alt/Meta held a key is a shortcut, not typing.
    const text = modifiers & (1 | 2 | 4) ? undefined : def.text;
    const base = { key: def.key, code: def.code, windowsVirtualKeyCode: def.keyCode, nativeVirtualKeyCode: def.keyCode, modifiers };
    this.send("Input.dispatchKeyEvent", {
      type: text ? "keyDown" : "rawKeyDown",
      ...base,
      ...(text ? { text, unmodifiedText: text } : {}),
    });
    this.send("Input.dispatchKeyEvent", { type: "keyUp", ...base });
  }

  private send(
    method:
      "Input.dispatchMouseEvent" | "Input.dispatchKeyEvent" | "Input.dispatchTouchEvent" | "Input.insertText" | "Input.imeSetComposition",
    params: Record<string, unknown>,
  ): void {
    // playwright-core's CDPSession.send is typed per method; the params here are built to match.
    this.onDispatch?.();
    (this.cdp.send as (m: string, p: unknown) => Promise<unknown>)(method, params).then(
      () => this.onDispatch?.(),
      (err: unknown) => {
        if (!this.closed) this.log.warn({ err: String(err), method }, "input dispatch failed");
      },
    );
  }

  close(): void {
    this.closed = true;
  }
}
