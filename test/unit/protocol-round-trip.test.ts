/**
 * Each message and reply the renderer sends, built with the renderer's own types, goes through
 * JSON and back through the reader the viewer uses and must come out equal; a malformed spelling
 * of each must be refused. A drift between what one side writes and the other reads fails here.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type ChannelEvent,
  type CreateSessionReply,
  type IceServersReply,
  type InfoReply,
  type JpegServerMessage,
  type KiosksReply,
  readChannelEvent,
  readCreateSessionReply,
  readIceServersReply,
  readInfoReply,
  readJpegServerMessage,
  readJpegServerText,
  readKiosksReply,
  readServerMessage,
  type ServerMessage,
  sessionLoadPath,
  sessionPath,
  ValidationError,
} from "../../protocol/index.js";

const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

const serverMessages: Record<ServerMessage["type"], { good: ServerMessage; bad: unknown }> = {
  offer: {
    good: {
      type: "offer",
      offer: { type: "offer", sdp: "v=0\r\n" },
      iceServers: [
        {
          urls: ["turn:10.0.0.2:3478?transport=udp", "turn:10.0.0.2:3478?transport=tcp"],
          username: "1700000000:s1",
          credential: "c2VjcmV0",
        },
      ],
      viewport: { width: 1280, height: 800 },
    },
    bad: { type: "offer", offer: { type: "answer", sdp: "v=0" } },
  },
  "ice-candidate": {
    good: {
      type: "ice-candidate",
      candidate: { candidate: "candidate:1 1 udp 2122260223 10.0.0.2 50000 typ host", sdpMid: "0", sdpMLineIndex: 0 },
    },
    bad: { type: "ice-candidate", candidate: { sdpMid: "0" } },
  },
  ready: { good: { type: "ready", message: "WebRTC connection established", session_id: "s1" }, bad: { type: "ready", message: "ok" } },
  pong: { good: { type: "pong" }, bad: { type: "pongs" } },
  error: {
    good: { type: "error", code: "too_many_viewers", message: "session s1 has 2 viewers" },
    bad: { type: "error", code: 409, message: "x" },
  },
};

/** What the picture path's server sends as text, typed as renderer/fallback/jpeg-stream-server.ts builds it. */
const jpegServerMessages: Record<JpegServerMessage["type"] | "error (invalid_input)", { good: JpegServerMessage; bad: unknown }> = {
  joined: {
    good: { type: "joined", session_id: "s1", viewport: { width: 1024, height: 768 } },
    bad: { type: "joined", session_id: "s1", viewport: { width: 1024 } },
  },
  pong: { good: { type: "pong" }, bad: { type: "Pong" } },
  error: {
    good: { type: "error", code: "session_closed", message: "session s1 was closed" },
    bad: { type: "error", code: "session-closed", message: "session s1 was closed" },
  },
  "error (invalid_input)": {
    good: { type: "error", code: "invalid_input", message: "input.x: is required" },
    bad: { type: "error", code: "invalid_input" },
  },
};

const channelEvents: Record<ChannelEvent["type"], { good: ChannelEvent; bad: unknown }> = {
  focus: {
    good: { type: "focus", editable: true, inputType: "email", inputMode: "email", enterKeyHint: "go" },
    bad: { type: "focus", editable: "yes" },
  },
  "select-open": {
    good: {
      type: "select-open",
      id: "sel-1",
      multiple: false,
      options: [
        { label: "One", selected: true, disabled: false, group: "G" },
        { label: "Two", selected: false, disabled: true },
      ],
    },
    bad: { type: "select-open", id: "sel-1", options: [{ selected: true }] },
  },
  dialog: {
    good: { type: "dialog", id: "d-1", kind: "prompt", message: "Name?", defaultValue: "Ada" },
    bad: { type: "dialog", id: "d-1", kind: "popup", message: "" },
  },
  page: {
    good: { type: "page", url: "https://example.org/", title: "Example", loading: false, canGoBack: true, canGoForward: false },
    bad: { type: "page", loading: "no" },
  },
  notice: {
    good: { type: "notice", code: "download_refused", message: "Downloads are not available on this kiosk (a.pdf)." },
    bad: { type: "notice", code: "nope", message: "x" },
  },
  viewport: { good: { type: "viewport", width: 1024, height: 768 }, bad: { type: "viewport", width: 0, height: 768 } },
  audio: { good: { type: "audio", playing: true }, bad: { type: "audio" } },
  "input-error": {
    good: { type: "input-error", code: "invalid_input", message: "x: is required" },
    bad: { type: "input-error", message: "x" },
  },
};

const createReply: CreateSessionReply = {
  success: true,
  session_id: "s1",
  viewport: { width: 1280, height: 800 },
  websocket_url: "/ws/signaling",
  url: "https://example.org/",
  kiosk: "welcome",
  ui: { navigationBar: true },
  message: "Session created",
};

const kiosksReply: KiosksReply = {
  success: true,
  name: "Lobby",
  allowCustomUrls: true,
  kiosks: [
    { id: "welcome", title: "Welcome", url: "/pages/welcome.html", icon: "👋", audio: true },
    { id: "news", title: "News", url: "https://example.org/" },
  ],
};

const iceServersReply: IceServersReply = {
  success: true,
  iceServers: [
    { urls: "stun:stun.example.org:3478" },
    { urls: ["turn:10.0.0.2:3478?transport=udp"], username: "1700000000:diagnostics", credential: "c2VjcmV0" },
  ],
  turn: { enabled: true, urls: ["turn:10.0.0.2:3478?transport=udp"] },
};

const infoReply: InfoReply = {
  name: "Lobby",
  version: "0.1.0",
  webrtc: {
    video: {
      codec: "VP8",
      resolution: "1280x800",
      framerate: 30,
      bitrate_range: "0-4000kbps",
      maxBitrateKbps: 4000,
      capture: "screencast",
    },
    audio: {
      codec: "opus",
      enabled: false,
      sample_rate: 48000,
      channels: 2,
      sampleRate: 48000,
      available: false,
      reason: "PulseAudio is not installed",
      sessions: 0,
      sinks: 0,
      captures: 0,
      browsers: 0,
    },
  },
  browser: { connected: true, active_sessions: 1, max_sessions: 4, sessions: ["s1"] },
  connections: { active_connections: 1, sessions_with_viewers: 1, max_viewers_per_session: 2 },
  sessions: { active: 1, max: 4 },
  endpoints: { health: "/health", info: "/api/info", signaling: "/ws/signaling" },
};

describe("server → viewer signaling messages", () => {
  for (const [type, { good, bad }] of Object.entries(serverMessages)) {
    test(`${type} reads back as sent`, () => assert.deepEqual(readServerMessage(wire(good)), good));
    test(`a malformed ${type} is refused`, () => assert.throws(() => readServerMessage(wire(bad)), ValidationError));
  }
});

describe("WebSocket picture path: server → viewer text", () => {
  for (const [name, { good, bad }] of Object.entries(jpegServerMessages)) {
    test(`${name} reads back as sent`, () => assert.deepEqual(readJpegServerMessage(wire(good)), good));
    test(`a malformed ${name} is refused`, () => assert.throws(() => readJpegServerMessage(wire(bad)), ValidationError));
    test(`${name} reads back from a text frame, a malformed one is dropped`, () => {
      assert.deepEqual(readJpegServerText(JSON.stringify(good)), good);
      assert.equal(readJpegServerText(JSON.stringify(bad)), null);
    });
  }
  test("its channel events read back from a text frame as on the DataChannel", () => {
    for (const { good } of Object.values(channelEvents)) assert.deepEqual(readJpegServerText(JSON.stringify(good)), good);
  });
  test("a frame that is not JSON, or of no known type, is dropped", () => {
    assert.equal(readJpegServerText("{not json"), null);
    assert.equal(readJpegServerText(JSON.stringify({ type: "frame" })), null);
    assert.equal(readJpegServerText("null"), null);
  });
});

describe("channel events", () => {
  for (const [type, { good, bad }] of Object.entries(channelEvents)) {
    test(`${type} reads back as sent`, () => assert.deepEqual(readChannelEvent(JSON.stringify(good)), good));
    test(`a malformed ${type} is dropped`, () => assert.equal(readChannelEvent(JSON.stringify(bad)), null));
  }
});

describe("REST replies", () => {
  const replies = [
    {
      name: "POST /api/session/create",
      good: createReply,
      read: readCreateSessionReply,
      bad: { ...createReply, viewport: { width: "wide" } },
    },
    { name: "GET /api/kiosks", good: kiosksReply, read: readKiosksReply, bad: { success: true, kiosks: [{ title: "no id" }] } },
    {
      name: "GET /api/ice-servers",
      good: iceServersReply,
      read: readIceServersReply,
      bad: { ...iceServersReply, iceServers: [{ urls: "http://example.org" }] },
    },
    { name: "GET /api/info", good: infoReply, read: readInfoReply, bad: { ...infoReply, sessions: { active: -1, max: 4 } } },
  ];
  for (const { name, good, read, bad } of replies) {
    test(`${name} reads back as sent`, () => assert.deepEqual(read(wire(good)), good));
    test(`a malformed ${name} is refused`, () => assert.throws(() => read(wire(bad)), ValidationError));
  }
});

describe("API paths", () => {
  test("builders escape the session id into the route pattern", () => {
    assert.equal(sessionPath("a b"), "/api/session/a%20b");
    assert.equal(sessionLoadPath("s1"), "/api/session/s1/load");
  });
});
