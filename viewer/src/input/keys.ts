import type { KeyInput, Modifier, TextInput } from "../../../protocol/index.js";

/** Pressing a modifier alone sends nothing: the modifiers travel with the next key. */
export const MODIFIER_KEYS = new Set(["Alt", "AltGraph", "Control", "Meta", "Shift", "CapsLock", "NumLock", "Fn", "OS", "Hyper", "Super"]);
/** Keys that are not a key at all: IME composition and dead keys produce text elsewhere. */
export const IGNORED_KEYS = new Set(["Unidentified", "Process", "Dead"]);
/** keyCode of every keydown an IME (e.g. an Android soft keyboard) handles. */
export const IME_KEY_CODE = 229;

/** A key that types one character (letters, digits, space, emoji) rather than naming an action. */
export function isPrintable(key: string): boolean {
  if ([...key].length !== 1) return false;
  const code = key.codePointAt(0)!;
  return code > 0x1f && code !== 0x7f; // C0 controls and DEL name no character
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

/** What a keydown sends: typed text, a named key with its modifiers, or nothing (a modifier alone, an IME's key). */
export function keyInput(e: KeyboardEvent): TextInput | KeyInput | null {
  const key = e.key;
  if (e.isComposing || e.keyCode === IME_KEY_CODE || !key || IGNORED_KEYS.has(key) || MODIFIER_KEYS.has(key)) return null;
  // AltGr arrives as Ctrl+Alt on Windows keyboards; the character it makes is still text.
  const chord = !isAltGraph(e) && (e.ctrlKey || e.metaKey || e.altKey);
  if (!chord && isPrintable(key)) return { type: "text", text: key };
  const modifiers = modifiersOf(e);
  return modifiers.length ? { type: "key", key, modifiers } : { type: "key", key };
}
