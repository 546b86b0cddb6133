/** The capture modes `--capture` compares, and the command line's choice of them. */

/** Every `video.capture` value, the original design's method last (it is the reference). */
export const CAPTURE_MODES = ["auto", "beginframe", "screencast", "screenshot"] as const;
export type CaptureMode = (typeof CAPTURE_MODES)[number];

/** Reads `all` or a comma list (`beginframe,screencast`); a clear error for anything else. */
export function parseCaptureList(value: string): CaptureMode[] {
  const expected = `expected "all" or a comma list of ${CAPTURE_MODES.join(", ")}`;
  if (!value || value.startsWith("--")) throw new Error(`--capture: no modes given (${expected})`);
  if (value === "all") return [...CAPTURE_MODES];
  const modes: CaptureMode[] = [];
  for (const name of value.split(",")) {
    if (!(CAPTURE_MODES as readonly string[]).includes(name)) throw new Error(`--capture: unknown mode "${name}" (${expected})`);
    if (!modes.includes(name as CaptureMode)) modes.push(name as CaptureMode);
  }
  return modes;
}

/** The table's name for a mode: the reference methods say which reference they are. */
export function modeLabel(mode: CaptureMode): string {
  return mode === "screenshot" ? "screenshot (a)" : mode;
}

/** The line a renderer's failed start is reported with: its own error, not its whole log. */
export function startFailure(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  // The config loader names the bad key ("video.capture: expected one of …"); else the first line.
  return lines.find((l) => /^video\.capture/.test(l)) ?? lines.find((l) => !l.startsWith("{")) ?? lines[0] ?? "unknown error";
}
