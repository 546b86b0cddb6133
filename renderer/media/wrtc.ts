/**
 * The native WebRTC binding, typed narrowly for what we use. Its own typings lean on the DOM lib,
 * which the renderer does not load, so the surface we rely on is declared here.
 */
import { createRequire } from "node:module";
import type { AudioData, I420Frame } from "./frames.js";

export interface WrtcIceCandidate {
  candidate: string;
  sdpMid: string | null;
  sdpMLineIndex: number | null;
}

export interface WrtcDataChannel {
  readonly label: string;
  readonly readyState: "connecting" | "open" | "closing" | "closed";
  readonly bufferedAmount: number;
  onopen: (() => void) | null;
  onclose: (() => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: string | ArrayBuffer }) => void) | null;
  send(data: string): void;
  close(): void;
}

export interface WrtcTrack {
  readonly id: string;
  readonly kind: string;
  stop(): void;
}

export interface WrtcStream {
  readonly id: string;
  addTrack(track: WrtcTrack): void;
}

export interface WrtcSender {
  readonly track: WrtcTrack | null;
}

export interface WrtcTransceiver {
  readonly sender: WrtcSender;
  stop?(): void;
}

export interface WrtcStatsReport {
  forEach(cb: (stat: Record<string, unknown> & { type: string; id: string }) => void): void;
}

export interface WrtcPeerConnection {
  readonly connectionState: "new" | "connecting" | "connected" | "disconnected" | "failed" | "closed";
  readonly iceGatheringState: "new" | "gathering" | "complete";
  readonly localDescription: { type: string; sdp: string } | null;
  onicecandidate: ((event: { candidate: WrtcIceCandidate | null }) => void) | null;
  onconnectionstatechange: (() => void) | null;
  onicegatheringstatechange: (() => void) | null;
  addTransceiver(
    track: WrtcTrack,
    init: { direction: "sendonly"; streams: WrtcStream[]; sendEncodings?: { maxBitrate?: number; maxFramerate?: number }[] },
  ): WrtcTransceiver;
  createDataChannel(label: string, init?: { ordered?: boolean }): WrtcDataChannel;
  createOffer(): Promise<{ type: "offer"; sdp: string }>;
  setLocalDescription(desc: { type: string; sdp: string }): Promise<void>;
  setRemoteDescription(desc: { type: string; sdp: string }): Promise<void>;
  addIceCandidate(candidate: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null }): Promise<void>;
  getStats(): Promise<WrtcStatsReport>;
  close(): void;
}

export interface WrtcVideoSource {
  createTrack(): WrtcTrack;
  onFrame(frame: I420Frame): void;
}

export interface WrtcAudioSource {
  createTrack(): WrtcTrack;
  onData(data: AudioData): void;
}

interface WrtcModule {
  RTCPeerConnection: new (config: {
    iceServers: unknown[];
    iceTransportPolicy?: "all" | "relay";
    bundlePolicy?: "balanced" | "max-bundle" | "max-compat";
  }) => WrtcPeerConnection;
  MediaStream: new () => WrtcStream;
  nonstandard: {
    RTCVideoSource: new (init?: { isScreencast?: boolean; needsDenoising?: boolean }) => WrtcVideoSource;
    RTCAudioSource: new () => WrtcAudioSource;
    rgbaToI420(rgba: { width: number; height: number; data: Uint8Array }, i420: I420Frame): void;
  };
}

const require = createRequire(import.meta.url);
export const wrtc = require("@roamhq/wrtc") as WrtcModule;
