/**
 * Tiny boundary validators shared by the renderer (config, HTTP, WebSocket, DataChannel)
 * and the viewer. Each reader throws a ValidationError whose message starts with the path of
 * the offending value, e.g. `kiosks[2].url: expected an http(s) URL`.
 */

export class ValidationError extends Error {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(path ? `${path}: ${detail}` : detail);
    this.name = "ValidationError";
  }
}

export function join(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return value.length > 40 ? "a string" : JSON.stringify(value);
  if (typeof value === "object") return "an object";
  if (typeof value === "function") return "a function";
  const scalar = value as number | boolean | bigint | symbol | undefined;
  return `${typeof value} ${String(scalar)}`;
}

export type Obj = Record<string, unknown>;

export function readObject(value: unknown, path: string): Obj {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ValidationError(path, `expected an object, got ${describe(value)}`);
  }
  return value as Obj;
}

/** Rejects keys that the schema does not know, so a typo in a config key is not silently ignored. */
export function rejectUnknownKeys(obj: Obj, known: readonly string[], path: string): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) {
      throw new ValidationError(join(path, key), `unknown key (expected one of: ${known.join(", ")})`);
    }
  }
}

export interface StringRule {
  maxLength?: number;
  minLength?: number;
  pattern?: RegExp;
  patternHint?: string;
}

export function readString(value: unknown, path: string, rule: StringRule = {}): string {
  if (typeof value !== "string") throw new ValidationError(path, `expected a string, got ${describe(value)}`);
  const { minLength = 0, maxLength = Infinity } = rule;
  if (value.length < minLength)
    throw new ValidationError(path, minLength === 1 ? "must not be empty" : `must be at least ${minLength} characters`);
  if (value.length > maxLength) throw new ValidationError(path, `must be at most ${maxLength} characters`);
  if (rule.pattern && !rule.pattern.test(value)) {
    throw new ValidationError(path, rule.patternHint ?? `must match ${rule.pattern}`);
  }
  return value;
}

export interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
}

export function readNumber(value: unknown, path: string, rule: NumberRule = {}): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ValidationError(path, `expected a number, got ${describe(value)}`);
  }
  if (rule.integer && !Number.isInteger(value)) throw new ValidationError(path, `expected an integer, got ${value}`);
  if (rule.min !== undefined && value < rule.min) throw new ValidationError(path, `must be at least ${rule.min}, got ${value}`);
  if (rule.max !== undefined && value > rule.max) throw new ValidationError(path, `must be at most ${rule.max}, got ${value}`);
  return value;
}

export function readBoolean(value: unknown, path: string): boolean {
  if (typeof value !== "boolean") throw new ValidationError(path, `expected true or false, got ${describe(value)}`);
  return value;
}

export function readEnum<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw new ValidationError(path, `expected one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${describe(value)}`);
  }
  return value as T;
}

export function readArray<T>(value: unknown, path: string, readItem: (item: unknown, itemPath: string) => T, maxItems = Infinity): T[] {
  if (!Array.isArray(value)) throw new ValidationError(path, `expected a list, got ${describe(value)}`);
  if (value.length > maxItems) throw new ValidationError(path, `must have at most ${maxItems} entries`);
  return value.map((item, i) => readItem(item, join(path, i)));
}

/** Reads `obj[key]` with `read`, or returns undefined when the key is absent (or null). */
export function optional<T>(obj: Obj, key: string, path: string, read: (value: unknown, path: string) => T): T | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  return read(value, join(path, key));
}

export function required<T>(obj: Obj, key: string, path: string, read: (value: unknown, path: string) => T): T {
  const value = obj[key];
  if (value === undefined) throw new ValidationError(join(path, key), "is required");
  return read(value, join(path, key));
}

/** Parses JSON text, reporting malformed text as a ValidationError at `path`. */
export function parseJson(text: string, path = "message"): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError(path, "is not valid JSON");
  }
}

/** Text of any thrown value, for status messages. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
