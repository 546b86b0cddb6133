/**
 * Where each kind of viewer input goes: one table keyed by the protocol's input `type`. The
 * table's type lists every `InputType`, so a message added to protocol/input.ts without a
 * route here fails the build instead of being dropped without a word.
 */
import type { InputMessage, InputType, NavigateInput, Viewport } from "../../protocol/index.js";
import type { InputDispatcher } from "../input/input-dispatcher.js";

/** What a session's input reaches: the page's CDP input replay, its viewport and its bridge. */
export interface InputTargets {
  /** The CDP replay; null while the page is being attached or rebuilt (input then goes nowhere). */
  replay(): Pick<InputDispatcher, "click" | "pointer" | "scroll" | "text" | "key" | "touch" | "composition"> | null;
  resize(viewport: Viewport): void;
  navigate(action: NavigateInput["action"]): void;
  answerSelect(id: string, indexes: number[] | null): void;
  answerDialog(id: string, accept: boolean, text?: string): void;
}

type Route<K extends InputType> = (targets: InputTargets, input: Extract<InputMessage, { type: K }>) => void;

const ROUTES: { [K in InputType]: Route<K> } = {
  click: (t, input) => t.replay()?.click(input),
  pointer: (t, input) => t.replay()?.pointer(input),
  scroll: (t, input) => t.replay()?.scroll(input),
  text: (t, input) => t.replay()?.text(input),
  key: (t, input) => t.replay()?.key(input),
  touch: (t, input) => t.replay()?.touch(input),
  composition: (t, input) => t.replay()?.composition(input),
  resize: (t, input) => t.resize({ width: input.width, height: input.height }),
  navigate: (t, input) => t.navigate(input.action),
  "select-answer": (t, input) => t.answerSelect(input.id, input.indexes),
  "dialog-answer": (t, input) => t.answerDialog(input.id, input.accept, input.text),
  // Only there to reveal a lost packet before it on the channel (protocol/input.ts).
  flush: () => {},
};

export function routeInput(input: InputMessage, targets: InputTargets): void {
  (ROUTES[input.type] as Route<typeof input.type>)(targets, input);
}
