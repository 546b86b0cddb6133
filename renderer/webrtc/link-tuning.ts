/**
 * How a peer copes with a lossy, jittery link (Wi-Fi): each choice below was measured with
 * `npm run bench -- --link …` (README, "Bad Wi-Fi"), and the defaults are what helped.
 * JIOMOSA_LINK_TUNING overrides them, e.g. `keyframe-answer=off,fec=off`, so the bench can run
 * the before and the after side by side in one invocation; it is not a setting for deployments.
 */
import { DEFAULT_TAIL_PROBE_MS } from "../media/frames.js";

export interface LinkTuning {
  /** Answer a keyframe request (PLI/FIR) at once by pushing the newest frame again. */
  keyframeAnswer: boolean;
  /** Keep RED + ULPFEC in the offer (libwebrtc sends FEC by the measured loss); off strips them. */
  fec: boolean;
  /** Mark the track as screen content: libwebrtc then keeps the resolution and drops frames when the bitrate falls. */
  screencast: boolean;
  /** A changed frame pushed again this soon so a lost last packet is noticed (ms, 0: off). */
  tailProbeMs: number;
  /** Skip frames at the source while the sender's packets wait long in its queue (send-queue-guard.ts). */
  queueGuard: boolean;
}

export const DEFAULT_LINK_TUNING: LinkTuning = {
  keyframeAnswer: true,
  fec: true,
  screencast: true,
  tailProbeMs: DEFAULT_TAIL_PROBE_MS,
  queueGuard: true,
};

export const LINK_TUNING_ENV = "JIOMOSA_LINK_TUNING";

const onOff = (key: string, value: string): boolean => {
  if (value === "on") return true;
  if (value === "off") return false;
  throw new Error(`${LINK_TUNING_ENV}: ${key} takes on or off, got "${value}"`);
};

/** Parses `key=value,…` over the defaults; an unknown key or value is an error naming it. */
export function parseLinkTuning(text: string | undefined): LinkTuning {
  const tuning = { ...DEFAULT_LINK_TUNING };
  for (const part of (text ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key = "", value = ""] = part.split("=", 2);
    if (key === "keyframe-answer") tuning.keyframeAnswer = onOff(key, value);
    else if (key === "fec") tuning.fec = onOff(key, value);
    else if (key === "screencast") tuning.screencast = onOff(key, value);
    else if (key === "queue-guard") tuning.queueGuard = onOff(key, value);
    else if (key === "tail-probe") {
      const ms = value === "off" ? 0 : Number(value);
      if (!Number.isInteger(ms) || ms < 0 || ms > 1000)
        throw new Error(`${LINK_TUNING_ENV}: tail-probe takes off or 0–1000 (ms), got "${value}"`);
      tuning.tailProbeMs = ms;
    } else throw new Error(`${LINK_TUNING_ENV}: unknown key "${key}" (known: keyframe-answer, fec, screencast, tail-probe, queue-guard)`);
  }
  return tuning;
}

/** Removes RED and ULPFEC (and RED's RTX) from an SDP's video section. */
export function stripFec(sdp: string): string {
  const lines = sdp.split("\r\n");
  const fecTypes = new Set<string>();
  for (const line of lines) {
    const m = /^a=rtpmap:(\d+) (red|ulpfec)\/90000$/.exec(line);
    if (m) fecTypes.add(m[1]);
  }
  // RTX for RED: `a=fmtp:124 apt=125` where 125 is RED.
  for (const line of lines) {
    const m = /^a=fmtp:(\d+) apt=(\d+)$/.exec(line);
    if (m && fecTypes.has(m[2])) fecTypes.add(m[1]);
  }
  if (fecTypes.size === 0) return sdp;
  return lines
    .filter((line) => !/^a=(rtpmap|fmtp|rtcp-fb):(\d+)[ ]/.test(line) || !fecTypes.has(/^a=\w+(?:-\w+)?:(\d+)/.exec(line)![1]))
    .map((line) =>
      line.startsWith("m=video ")
        ? line
            .split(" ")
            .filter((token, i) => i < 3 || !fecTypes.has(token))
            .join(" ")
        : line,
    )
    .join("\r\n");
}
