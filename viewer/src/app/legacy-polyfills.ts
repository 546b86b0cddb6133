/**
 * The few standard APIs that the viewer and Lit use and that Chrome 65–72 lack (found by
 * searching the built bundle and by running it in Chrome 65, 71 and 78). Only the legacy bundle
 * (app-legacy.js, chosen by the page shell's loader) carries them, so current tablets never
 * download them. Each names the first Chrome that has it natively.
 *
 * AbortController comes from a library because a working one must also make fetch reject on
 * abort. The other four are a few lines each: core-js's versions share a 14 KB runtime, larger
 * than the rest of this file by far, for behaviour the viewer never relies on (array holes,
 * non-array receivers).
 */
// 66: the patch also makes an aborted fetch reject, as a native one does.
import "abortcontroller-polyfill/dist/polyfill-patch-fetch";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

// 71: Lit and the viewer read globalThis. In a window (the only place this bundle runs) it is `window`.
if (typeof globalThis === "undefined") (window as unknown as { globalThis: Window }).globalThis = window;

// 69: Lit flattens its style lists with Array.prototype.flat.
const arrays = Array.prototype as Mutable<unknown[]>;
if (!arrays.flat) {
  const flatten = (list: readonly unknown[], depth: number, out: unknown[]): unknown[] => {
    for (const item of list) {
      if (Array.isArray(item) && depth > 0) flatten(item, depth - 1, out);
      else out.push(item);
    }
    return out;
  };
  Object.defineProperty(Array.prototype, "flat", {
    configurable: true,
    writable: true,
    value: function flat(this: unknown[], depth = 1): unknown[] {
      return flatten(this, Math.floor(Number(depth)) || 0, []);
    },
  });
}

// 69
if (!arrays.flatMap) {
  Object.defineProperty(Array.prototype, "flatMap", {
    configurable: true,
    writable: true,
    value: function flatMap(
      this: unknown[],
      map: (value: unknown, index: number, list: unknown[]) => unknown,
      thisArg?: unknown,
    ): unknown[] {
      return this.map(map, thisArg).flat(1);
    },
  });
}

// 73
if (!Object.fromEntries) {
  Object.defineProperty(Object, "fromEntries", {
    configurable: true,
    writable: true,
    value: function fromEntries(entries: Iterable<readonly [PropertyKey, unknown]>): Record<PropertyKey, unknown> {
      const result: Record<PropertyKey, unknown> = {};
      for (const [key, value] of entries) result[key] = value;
      return result;
    },
  });
}

// 69: Element.toggleAttribute, with the standard's `force`.
if (!(Element.prototype as Partial<Element>).toggleAttribute) {
  Element.prototype.toggleAttribute = function toggleAttribute(this: Element, name: string, force?: boolean): boolean {
    const present = force === undefined ? !this.hasAttribute(name) : force;
    if (present) this.setAttribute(name, "");
    else this.removeAttribute(name);
    return present;
  };
}
