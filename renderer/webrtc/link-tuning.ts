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
  /**
   * The least the sender's bandwidth estimate may fall to, in kbit/s (0: libwebrtc's own floor),
   * also its start. Given as `x-google-min-bitrate`/`x-google-start-bitrate` on VP8 in the answer.
   */
  minBitrateKbps: number;
}

export const DEFAULT_LINK_TUNING: LinkTuning = {
  keyframeAnswer: true,
  fec: true,
  screencast: true,
  tailProbeMs: DEFAULT_TAIL_PROBE_MS,
  queueGuard: true,
  minBitrateKbps: 0,
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
    else if (key === "min-bitrate") {
      const kbps = value === "off" ? 0 : Number(value);
      if (!Number.isInteger(kbps) || kbps < 0 || kbps > 20_000)
        throw new Error(`${LINK_TUNING_ENV}: min-bitrate takes off or 0–20000 (kbit/s), got "${value}"`);
      tuning.minBitrateKbps = kbps;
    } else if (key === "tail-probe") {
      const ms = value === "off" ? 0 : Number(value);
      if (!Number.isInteger(ms) || ms < 0 || ms > 1000)
        throw new Error(`${LINK_TUNING_ENV}: tail-probe takes off or 0–1000 (ms), got "${value}"`);
      tuning.tailProbeMs = ms;
    } else
      throw new Error(
        `${LINK_TUNING_ENV}: unknown key "${key}" (known: keyframe-answer, fec, screencast, tail-probe, queue-guard, min-bitrate)`,
      );
  }
  return tuning;
}

/** Removes RED and ULPFEC (and RED's RTX) from an SDP's video section. */
export function stripFec(sdp: string): string {
  const lines = sdp.split("\r\n");
  const fecTypes = new Set<string>();
  for (const line of lines) {
    const m = /^a=rtpmap:(\d+) (red|ulpfec)\/90000$/.exec(line);
    if (m) fecTypes.add(m[1]!);
  }
  // RTX for RED: `a=fmtp:124 apt=125` where 125 is RED.
  for (const line of lines) {
    const m = /^a=fmtp:(\d+) apt=(\d+)$/.exec(line);
    if (m && fecTypes.has(m[2]!)) fecTypes.add(m[1]!);
  }
  if (fecTypes.size === 0) return sdp;
  return lines
    .filter((line) => !/^a=(rtpmap|fmtp|rtcp-fb):(\d+)[ ]/.test(line) || !fecTypes.has(/^a=\w+(?:-\w+)?:(\d+)/.exec(line)![1]!))
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

/**
 * Sets the sender's bitrate floor and start on every VP8 payload type of an answer: libwebrtc's
 * sender reads them from the remote description's codec parameters.
 */
export function withBitrateFloor(sdp: string, kbps: number): string {
  if (kbps <= 0) return sdp;
  const eol = sdp.includes("\r\n") ? "\r\n" : "\n";
  const lines = sdp.split(eol);
  const vp8 = new Set(lines.flatMap((line) => /^a=rtpmap:(\d+) VP8\/90000$/i.exec(line)?.[1] ?? []));
  const params = `x-google-min-bitrate=${kbps};x-google-start-bitrate=${kbps}`;
  const out: string[] = [];
  const withFmtp = new Set<string>();
  for (const line of lines) {
    const fmtp = /^a=fmtp:(\d+) (.*)$/.exec(line);
    if (fmtp?.[1] !== undefined && vp8.has(fmtp[1])) {
      withFmtp.add(fmtp[1]);
      const kept = (fmtp[2] ?? "").split(";").filter((p) => p && !/^x-google-(min|start)-bitrate=/.test(p.trim()));
      out.push(`a=fmtp:${fmtp[1]} ${[...kept, params].join(";")}`);
    } else out.push(line);
  }
  // A VP8 payload type without an fmtp line gets one after its rtpmap.
  return out
    .flatMap((line) => {
      const pt = /^a=rtpmap:(\d+) VP8\/90000$/i.exec(line)?.[1];
      return pt !== undefined && !withFmtp.has(pt) ? [line, `a=fmtp:${pt} ${params}`] : [line];
    })
    .join(eol);
}
