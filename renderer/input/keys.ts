/** DOM key names → the fields CDP `Input.dispatchKeyEvent` needs (US layout for named keys). */
import type { Modifier } from "../../protocol/index.js";

export interface KeyDefinition {
  key: string;
  code: string;
  keyCode: number;
  /** Text the key types, if any (Enter types "\r" like a real keyboard). */
  text?: string;
}

const NAMED: Record<string, Omit<KeyDefinition, "key">> = {
  Enter: { code: "Enter", keyCode: 13, text: "\r" },
  Backspace: { code: "Backspace", keyCode: 8 },
  Tab: { code: "Tab", keyCode: 9 },
  Escape: { code: "Escape", keyCode: 27 },
  Delete: { code: "Delete", keyCode: 46 },
  Insert: { code: "Insert", keyCode: 45 },
  ArrowLeft: { code: "ArrowLeft", keyCode: 37 },
  ArrowUp: { code: "ArrowUp", keyCode: 38 },
  ArrowRight: { code: "ArrowRight", keyCode: 39 },
  ArrowDown: { code: "ArrowDown", keyCode: 40 },
  Home: { code: "Home", keyCode: 36 },
  End: { code: "End", keyCode: 35 },
  PageUp: { code: "PageUp", keyCode: 33 },
  PageDown: { code: "PageDown", keyCode: 34 },
  Shift: { code: "ShiftLeft", keyCode: 16 },
  Control: { code: "ControlLeft", keyCode: 17 },
  Alt: { code: "AltLeft", keyCode: 18 },
  Meta: { code: "MetaLeft", keyCode: 91 },
  " ": { code: "Space", keyCode: 32, text: " " },
};
for (let i = 1; i <= 12; i++) NAMED[`F${i}`] = { code: `F${i}`, keyCode: 111 + i };

const PUNCTUATION: Record<string, [string, number]> = {
  ";": ["Semicolon", 186],
  ":": ["Semicolon", 186],
  "=": ["Equal", 187],
  "+": ["Equal", 187],
  ",": ["Comma", 188],
  "<": ["Comma", 188],
  "-": ["Minus", 189],
  _: ["Minus", 189],
  ".": ["Period", 190],
  ">": ["Period", 190],
  "/": ["Slash", 191],
  "?": ["Slash", 191],
  "`": ["Backquote", 192],
  "~": ["Backquote", 192],
  "[": ["BracketLeft", 219],
  "{": ["BracketLeft", 219],
  "\\": ["Backslash", 220],
  "|": ["Backslash", 220],
  "]": ["BracketRight", 221],
  "}": ["BracketRight", 221],
  "'": ["Quote", 222],
  '"': ["Quote", 222],
};

/** Returns the definition of a key name, or null when it is neither a named key nor one character. */
export function keyDefinition(key: string): KeyDefinition | null {
  const named = NAMED[key];
  if (named) return { key, ...named };
  if ([...key].length !== 1) return null;
  const upper = key.toUpperCase();
  if (/^[A-Z]$/.test(upper)) return { key, code: `Key${upper}`, keyCode: upper.charCodeAt(0), text: key };
  if (/^[0-9]$/.test(key)) return { key, code: `Digit${key}`, keyCode: key.charCodeAt(0), text: key };
  const punct = PUNCTUATION[key];
  if (punct) return { key, code: punct[0], keyCode: punct[1], text: key };
  // Any other character (é, 中, emoji): no US key for it, but it still types.
  return { key, code: "", keyCode: 0, text: key };
}

const MODIFIER_BITS: Record<Modifier, number> = { Alt: 1, Control: 2, Meta: 4, Shift: 8 };

export function modifierMask(modifiers: readonly Modifier[] | undefined): number {
  return (modifiers ?? []).reduce((mask, m) => mask | MODIFIER_BITS[m], 0);
}
