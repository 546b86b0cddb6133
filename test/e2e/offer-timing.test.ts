/**
 * A dead TURN server must not hold the first frame back: the offer goes out as soon as the host
 * candidates are in its SDP (which is all a client that ignores trickled candidates can use), and
 * the relay candidates that never come do not delay it. Two dead servers are configured: one on
 * a UDP port that swallows every packet and never answers (a coturn that hangs, or a firewall
 * that drops), one on a closed port (a stopped coturn container).
 */
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { test } from "node:test";
import { useAppliance } from "../support/appliance.js";
import { testConfig } from "../support/config.js";
import { freePort } from "../support/turn.js";

/** What the renderer waited at most before this fix; an offer after this long was held back. */
const OLD_GATHER_WAIT_MS = 1500;

/** A TURN server that never answers, and a port where nothing listens. */
let blackHole: Socket;
let closedPort: number;

const app = useAppliance({
  beforeStart: async () => {
    blackHole = createSocket("udp4");
    blackHole.on("message", () => {
      // Swallowed: a TURN server that never answers.
    });
    await new Promise<void>((resolve) => blackHole.bind(0, "127.0.0.1", resolve));
    closedPort = await freePort();
    return () => void blackHole.close();
  },
  config: (origin) => {
    const silentPort = blackHole.address().port;
    const extra = `iceServers:
  - { urls: ["turn:127.0.0.1:${silentPort}?transport=udp"], username: "u", credential: "p" }
  - { urls: ["turn:127.0.0.1:${closedPort}?transport=udp", "stun:127.0.0.1:${closedPort}"], username: "u", credential: "p" }
`;
    return testConfig(origin, { extra });
  },
  clientPage: { at: "/health" },
});

interface JoinReport {
  offerMs: number;
  firstFrameMs: number;
  sdp: string;
}

test("with dead TURN servers the offer carries host candidates at once and frames arrive", async (t) => {
  // Like the original client: the peer uses only what the offer's SDP carries (no trickle, no ICE servers).
  const report = await app.page.evaluate(async (): Promise<JoinReport> => {
    const created = await fetch("/api/session/create", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ kiosk: "animated" }),
    }).then((r) => r.json());
    const ws = new WebSocket(`ws://${location.host}/ws/signaling`);
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    const pc = new RTCPeerConnection();
    const video = document.createElement("video");
    video.muted = true;
    video.autoplay = true;
    document.body.append(video);
    pc.ontrack = (e) => (video.srcObject = e.streams[0]!);
    let offerAt = 0;
    let sdp = "";
    const joinAt = performance.now();
    const firstFrame = new Promise<number>((resolve) => video.requestVideoFrameCallback((now) => resolve(now)));
    ws.onmessage = async (event) => {
      const m = JSON.parse(event.data as string);
      if (m.type !== "offer") return;
      offerAt = performance.now();
      sdp = m.offer.sdp;
      await pc.setRemoteDescription(m.offer);
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      ws.send(JSON.stringify({ type: "answer", answer: { type: "answer", sdp: answer.sdp } }));
    };
    ws.send(JSON.stringify({ type: "join", session_id: created.session_id }));
    const frameAt = await Promise.race([
      firstFrame,
      new Promise<number>((_, reject) => setTimeout(() => reject(new Error("no frame in 20 s")), 20_000)),
    ]);
    ws.close();
    pc.close();
    return { offerMs: offerAt - joinAt, firstFrameMs: frameAt - joinAt, sdp };
  });
  assert.match(report.sdp, /a=candidate:\S+ \d+ udp \d+ \S+ \d+ typ host/i, "the offer's SDP carries host candidates");
  assert.ok(
    report.offerMs < OLD_GATHER_WAIT_MS / 2,
    `the offer came ${report.offerMs.toFixed(0)} ms after join: it waited for the dead TURN servers`,
  );
  t.diagnostic(
    `join → offer ${report.offerMs.toFixed(0)} ms, join → first frame ${report.firstFrameMs.toFixed(0)} ms (dead TURN servers configured)`,
  );
});
