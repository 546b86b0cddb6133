import type { Modifier } from "../../../protocol/index.js";

/** Pressing a modifier alone sends nothing: the modifiers travel with the next key. */
export const MODIFIER_KEYS = new Set(["Alt", "AltGraph", "Control", "Meta", "Shift", "CapsLock", "NumLock", "Fn", "OS", "Hyper", "Super"]);
/** Keys that are not a key at all: IME composition and dead keys produce text elsewhere. */
export const IGNORED_KEYS = new Set(["Unidentified", "Process", "Dead"]);
/** keyCode of every keydown an IME (e.g. an Android soft keyboard) handles. */
export const IME_KEY_CODE = 229;

/** A key that types one character (letters, digits, space, emoji) rather than naming an action. */
export function isPrintable(key: string): boolean {
  return [...key].length === 1 && !/[\u0000-\u001f\u007f]/.test(key);
}

/** Whether AltGr is held (it arrives as Ctrl+Alt on Windows keyboards). */
export function isAltGraph(e: KeyboardEvent): boolean {
  return e.getModifierState?.("AltGraph") ?? false;
}

/** The modifiers held with a key, in protocol order; Ctrl and Alt that make up AltGr are left out. */
export function modifiersOf(e: KeyboardEvent): Modifier[] {
  const altGraph = isAltGraph(e);
  const modifiers: Modifier[] = [];
  if (e.altKey && !altGraph) modifiers.push("Alt");
  if (e.ctrlKey && !altGraph) modifiers.push("Control");
  if (e.metaKey) modifiers.push("Meta");
  if (e.shiftKey) modifiers.push("Shift");
  return modifiers;
}
