/**
 * One viewer's WebRTC connection: the only place that creates RTCPeerConnection and
 * RTCVideoSource/RTCAudioSource. The renderer is the offerer: video track (VP8) and, for a session
 * with sound, an audio track (Opus), both in one MediaStream so the original design's client plays
 * them from `event.streams[0]`, plus the "input" DataChannel.
 */
import {
  type ChannelEvent,
  type IceCandidateInit,
  type IceServer,
  INPUT_CHANNEL_LABEL,
  type InputErrorMessage,
  type InputMessage,
  MAX_INPUT_MESSAGE_BYTES,
  parseInputMessage,
  ValidationError,
} from "../../protocol/index.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import { TokenBucket } from "../rate-limit.js";
import { KeyframeAnswer } from "./keyframe-answer.js";
import { DEFAULT_LINK_TUNING, type LinkTuning, stripFec, withBitrateFloor } from "./link-tuning.js";
import { SendQueueGuard } from "./send-queue-guard.js";
import type { AudioData, I420Frame } from "../media/frames.js";
import { type WrtcAudioSource, type WrtcDataChannel, type WrtcPeerConnection, type WrtcVideoSource, wrtc } from "../media/wrtc.js";

/**
 * The original client ignores server-sent `ice-candidate` messages, so the offer must already carry
 * the candidates it can use: on a LAN those are the host candidates, which libwebrtc finds within
 * milliseconds. Server-reflexive and relay candidates need a round trip to a STUN/TURN server that
 * may be slow or dead (coturn stopped), so they trickle afterwards as `ice-candidate` messages
 * (our viewer adds them) instead of holding the first frame back.
 * - wait for the first candidate of the kind the offer needs (host; relay for a relay-only peer),
 * - then this long for its siblings (one per interface and protocol, gathered in one burst),
 * - and never longer than GATHER_TIMEOUT_MS in all.
 */
const CANDIDATE_SETTLE_MS = 40;
const GATHER_TIMEOUT_MS = 1500;
/** A DataChannel whose send buffer grows past this is not reading: stop writing replies to it. */
const MAX_CHANNEL_BUFFER_BYTES = 1024 * 1024;
const MAX_QUEUED_EVENTS = 32;
/** Input messages per second a viewer may send (a finger moving is ~60/s; a flood is cut). */
export const INPUT_RATE_PER_SECOND = 250;
const INPUT_BURST = 500;
/** At most one "rate limited" reply per this period, so the reply is no flood of its own. */
const RATE_LIMIT_REPLY_INTERVAL_MS = 1000;

export interface PeerOptions {
  /** Unique among the peers of one session manager (its logs and stats name the peer by it). */
  id: string;
  iceServers: IceServer[];
  iceTransportPolicy?: "all" | "relay";
  maxBitrateKbps: number;
  maxFps: number;
  /** Send an audio track: the session has sound. */
  audio?: boolean;
  /** Loss resilience choices (link-tuning.ts); the measured defaults when not given. */
  tuning?: LinkTuning;
  log: Logger;
  metrics?: Metrics;
  onInput: (input: InputMessage) => void;
  onLocalCandidate: (candidate: IceCandidateInit) => void;
  onConnectionState?: (state: WrtcPeerConnection["connectionState"]) => void;
}

/** "host", "srflx", "prflx" or "relay" from an a=candidate line (RFC 8839 `typ`). */
function candidateType(candidate: string): string {
  return / typ (\w+)/.exec(candidate)?.[1] ?? "unknown";
}

export class Peer {
  readonly id: string;
  private readonly pc: WrtcPeerConnection;
  private readonly source: WrtcVideoSource;
  /** One audio source per peer: a source shared by two peers plays only on the last (a wrtc bug). */
  private readonly audioSource: WrtcAudioSource | null = null;
  private readonly channel: WrtcDataChannel;
  private readonly log: Logger;
  private remoteSet = false;
  private readonly queuedCandidates: IceCandidateInit[] = [];
  private closed = false;
  /** Events for the viewer sent before its channel opened; delivered on open, oldest dropped past the cap. */
  private readonly queuedEvents: string[] = [];
  framesSent = 0;
  inputsReceived = 0;
  private lastPushed: I420Frame | null = null;
  private lastPushAt: number | null = null;
  private readonly keyframeAnswer: KeyframeAnswer | null = null;
  private readonly queueGuard: SendQueueGuard | null = null;
  /** The newest frame, held back while the send queue is behind. */
  private heldFrame: I420Frame | null = null;
  private readonly tuning: LinkTuning;
  private readonly inputBucket = new TokenBucket(INPUT_RATE_PER_SECOND, INPUT_BURST);
  private lastRateLimitReply = 0;
  /** Set while an offer waits for its candidates. */
  private onGatherProgress: ((type: string) => void) | null = null;

  constructor(private readonly options: PeerOptions) {
    this.id = options.id;
    this.log = options.log.child({ module: "peer", peer: this.id });
    this.tuning = options.tuning ?? DEFAULT_LINK_TUNING;
    this.pc = new wrtc.RTCPeerConnection({
      iceServers: options.iceServers,
      // One transport for video and input: half the candidates to gather, pair and check.
      bundlePolicy: "max-bundle",
      ...(options.iceTransportPolicy ? { iceTransportPolicy: options.iceTransportPolicy } : {}),
    });
    this.source = new wrtc.nonstandard.RTCVideoSource({ isScreencast: this.tuning.screencast });
    const track = this.source.createTrack();
    const stream = new wrtc.MediaStream();
    stream.addTrack(track);
    // Limits go in at creation: a later getParameters/setParameters round trip fails in wrtc.
    this.pc.addTransceiver(track, {
      direction: "sendonly",
      streams: [stream],
      sendEncodings: [{ maxBitrate: options.maxBitrateKbps * 1000, maxFramerate: options.maxFps }],
    });
    if (this.tuning.queueGuard) this.queueGuard = new SendQueueGuard();
    // One poll of the sender's figures serves both the keyframe answer and the queue guard.
    if (this.tuning.keyframeAnswer || this.queueGuard) {
      this.keyframeAnswer = new KeyframeAnswer({
        readRequests: () => this.pollSender(),
        lastPushAt: () => this.lastPushAt,
        // The newest frame, past the queue guard: without a keyframe the viewer shows nothing.
        repush: () => {
          const frame = this.heldFrame ?? this.lastPushed;
          if (this.tuning.keyframeAnswer && frame) this.send(frame);
        },
        now: () => performance.now(),
        setInterval: (callback, ms) => setInterval(callback, ms).unref(),
        clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
      });
      this.keyframeAnswer.start();
    }
    if (options.audio) {
      this.audioSource = new wrtc.nonstandard.RTCAudioSource();
      this.pc.addTransceiver(this.audioSource.createTrack(), { direction: "sendonly", streams: [stream] });
    }
    this.channel = this.pc.createDataChannel(INPUT_CHANNEL_LABEL, { ordered: true });
    this.channel.onmessage = (event) => this.handleChannelMessage(event.data);
    this.channel.onopen = () => {
      // The open event is dispatched later than the state changed: the tablet may have gone since.
      for (const text of this.queuedEvents.splice(0)) this.trySend(text);
    };
    this.pc.onicecandidate = ({ candidate }) => {
      if (candidate && candidate.candidate) {
        this.onGatherProgress?.(candidateType(candidate.candidate));
        options.onLocalCandidate({ candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex });
      }
    };
    this.pc.onconnectionstatechange = () => {
      const state = this.pc.connectionState;
      this.log.info({ state }, "connection state");
      options.onConnectionState?.(state);
    };
  }

  get connectionState(): WrtcPeerConnection["connectionState"] {
    return this.pc.connectionState;
  }

  /** Creates the offer once the SDP carries the candidates a non-trickling client needs (see CANDIDATE_SETTLE_MS). */
  async createOffer(): Promise<{ type: "offer"; sdp: string }> {
    const offer = await this.pc.createOffer();
    const ready = this.offerCandidatesReady();
    await this.pc.setLocalDescription(this.tuning.fec ? offer : { type: "offer", sdp: stripFec(offer.sdp) });
    await ready;
    const local = this.pc.localDescription;
    return { type: "offer", sdp: local?.sdp ?? offer.sdp };
  }

  private offerCandidatesReady(): Promise<void> {
    const needed = this.options.iceTransportPolicy === "relay" ? "relay" : "host";
    return new Promise<void>((resolve) => {
      let settle: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(deadline);
        clearTimeout(settle);
        this.onGatherProgress = null;
        this.pc.onicegatheringstatechange = null;
        resolve();
      };
      const deadline = setTimeout(done, GATHER_TIMEOUT_MS);
      this.onGatherProgress = (type) => {
        if (type === needed && settle === undefined) settle = setTimeout(done, CANDIDATE_SETTLE_MS);
      };
      this.pc.onicegatheringstatechange = () => {
        if (this.pc.iceGatheringState === "complete") done();
      };
    });
  }

  async applyAnswer(sdp: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: "answer", sdp: withBitrateFloor(sdp, this.tuning.minBitrateKbps) });
    this.remoteSet = true;
    const queued = this.queuedCandidates.splice(0);
    for (const candidate of queued) await this.addRemoteCandidate(candidate);
  }

  /** Adds a viewer's candidate; ones that arrive before the answer wait for it. */
  async addRemoteCandidate(candidate: IceCandidateInit): Promise<void> {
    if (!this.remoteSet) {
      if (this.queuedCandidates.length < 64) this.queuedCandidates.push(candidate);
      return;
    }
    try {
      await this.pc.addIceCandidate({
        candidate: candidate.candidate,
        sdpMid: candidate.sdpMid ?? null,
        sdpMLineIndex: candidate.sdpMLineIndex ?? 0,
      });
    } catch (err) {
      // A candidate we cannot use (e.g. an mDNS name) is not fatal: other candidates may work.
      this.log.debug({ err: String(err), candidate: candidate.candidate }, "remote candidate ignored");
    }
  }

  pushFrame(frame: I420Frame): void {
    if (this.closed) return;
    if (this.queueGuard && !this.queueGuard.admit(performance.now(), this.lastPushAt)) {
      if (this.heldFrame) this.queueGuard.skipped++;
      this.heldFrame = frame;
      return;
    }
    this.send(frame);
  }

  private send(frame: I420Frame): void {
    this.heldFrame = null;
    this.source.onFrame(frame);
    this.lastPushed = frame;
    this.lastPushAt = performance.now();
    this.framesSent++;
    this.options.metrics?.framesSent.inc();
  }

  /**
   * Reads the video sender's figures: feeds the queue guard (and sends a held frame once it
   * admits one) and returns PLI + FIR received, the viewer asking for a keyframe.
   */
  private async pollSender(): Promise<number | null> {
    if (this.closed || this.pc.connectionState !== "connected") return null;
    const report = await this.pc.getStats();
    let count: number | null = null;
    report.forEach((stat) => {
      if (stat.type !== "outbound-rtp" || stat.kind !== "video") return;
      count = Number(stat.pliCount ?? 0) + Number(stat.firCount ?? 0);
      this.queueGuard?.update({ totalPacketSendDelay: Number(stat.totalPacketSendDelay ?? 0), packetsSent: Number(stat.packetsSent ?? 0) });
    });
    if (this.heldFrame && !this.closed && this.queueGuard?.admit(performance.now(), this.lastPushAt)) this.send(this.heldFrame);
    return count;
  }

  /** One 10 ms frame of the session's sound. */
  pushAudio(frame: AudioData): void {
    if (this.closed || !this.audioSource) return;
    this.audioSource.onData(frame);
  }

  private handleChannelMessage(data: string | ArrayBuffer): void {
    if (this.closed) return;
    if (!this.inputBucket.take()) {
      this.options.metrics?.inputRejected.inc({ reason: "rate_limited" });
      const now = performance.now();
      if (now - this.lastRateLimitReply >= RATE_LIMIT_REPLY_INTERVAL_MS) {
        this.lastRateLimitReply = now;
        this.reply({
          type: "input-error",
          code: "invalid_input",
          message: `too many input messages: at most ${INPUT_RATE_PER_SECOND} per second; some were dropped`,
        });
      }
      return;
    }
    if (typeof data !== "string") {
      this.options.metrics?.inputRejected.inc({ reason: "invalid" });
      this.reply({ type: "input-error", code: "invalid_input", message: "message: expected JSON text, got binary data" });
      return;
    }
    let input: InputMessage;
    try {
      input = parseInputMessage(data);
    } catch (err) {
      const message = err instanceof ValidationError ? err.message : "message: could not be read";
      this.options.metrics?.inputRejected.inc({ reason: "invalid" });
      this.reply({ type: "input-error", code: "invalid_input", message: message.slice(0, 300) });
      return;
    }
    if (input.type === "flush") return; // nothing to do, and not the user's input (protocol/input.ts)
    this.inputsReceived++;
    this.options.metrics?.inputEvents.inc({ type: input.type });
    try {
      this.options.onInput(input);
    } catch (err) {
      this.log.error({ err }, "input handler failed");
    }
  }

  private reply(message: InputErrorMessage): void {
    if (this.channel.bufferedAmount > MAX_CHANNEL_BUFFER_BYTES) return;
    this.trySend(JSON.stringify(message).slice(0, MAX_INPUT_MESSAGE_BYTES));
  }

  /**
   * Sends on the input channel if it is still open. A channel that closed under us (the tablet left
   * between an event and its handler) is not an error of the renderer's: wrtc throws
   * InvalidStateError there, and uncaught in an event handler that would end the whole process.
   */
  private trySend(text: string): boolean {
    if (this.channel.readyState !== "open") return false;
    try {
      this.channel.send(text);
      return true;
    } catch {
      return false;
    }
  }

  /** Sends a page event (focus, picker, dialog, page state…) to this viewer, queued until its channel opens. */
  sendEvent(event: ChannelEvent): void {
    if (this.closed) return;
    const text = JSON.stringify(event);
    if (this.channel.readyState === "open") {
      if (this.channel.bufferedAmount <= MAX_CHANNEL_BUFFER_BYTES) this.trySend(text);
      return;
    }
    this.queuedEvents.push(text);
    if (this.queuedEvents.length > MAX_QUEUED_EVENTS) this.queuedEvents.shift();
  }

  /** The video sender's figures that explain quality and latency (libwebrtc's own counters). */
  async senderStats(): Promise<Record<string, unknown>> {
    const report = await this.pc.getStats();
    const out: Record<string, unknown> = {
      connectionState: this.pc.connectionState,
      framesPushed: this.framesSent,
      inputs: this.inputsReceived,
      keyframeAnswers: this.keyframeAnswer?.answered ?? 0,
      queueGuardSkipped: this.queueGuard?.skipped ?? 0,
    };
    report.forEach((stat) => {
      if (stat.type === "outbound-rtp" && stat.kind === "video") {
        for (const key of [
          "framesEncoded",
          "framesSent",
          "keyFramesEncoded",
          "bytesSent",
          "packetsSent",
          "totalEncodeTime",
          "totalPacketSendDelay",
          "qualityLimitationReason",
          "frameWidth",
          "frameHeight",
          "framesPerSecond",
          "targetBitrate",
          "nackCount",
          "pliCount",
          "firCount",
          "retransmittedPacketsSent",
          "retransmittedBytesSent",
          "hugeFramesSent",
        ])
          if (stat[key] !== undefined) out[key] = stat[key];
      } else if (stat.type === "candidate-pair" && stat.nominated) {
        out.availableOutgoingBitrate = stat.availableOutgoingBitrate;
        out.currentRoundTripTime = stat.currentRoundTripTime;
      }
    });
    return out;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.keyframeAnswer?.close();
    this.pc.onicecandidate = null;
    this.pc.onconnectionstatechange = null;
    this.pc.onicegatheringstatechange = null;
    this.onGatherProgress = null;
    this.channel.onmessage = null;
    this.channel.onopen = null;
    try {
      this.channel.close();
    } catch {
      // already closed by the remote side
    }
    this.pc.close();
  }
}
