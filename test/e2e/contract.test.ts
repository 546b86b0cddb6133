/**
 * The original design's wire contract, driven the way its own browser client drives it: REST
 * create then load, WebSocket join, RTCPeerConnection built before join with its own ICE
 * servers, answer, ping/pong, a video track in event.streams[0], DataChannel click. Like that
 * client, this one ignores server-sent ice-candidate messages: the offer must carry candidates.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { useAppliance } from "../support/appliance.js";
import { installProbe, isGreen, isRed, waitForFrames, waitForPixel } from "../support/video-probe.js";

const app = useAppliance({ clientPage: { at: "/health" } });

interface ClientReport {
  sessionId: string;
  createReply: Record<string, unknown>;
  loadReply: Record<string, unknown>;
  received: string[];
}

test("the original client's flow: create, load, join, offer, answer, ready, pong", async () => {
  const report = await app.page.evaluate(async (testUrl): Promise<ClientReport> => {
    const post = (path: string, body: unknown) =>
      fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }).then((r) => r.json());
    const createReply: Record<string, unknown> = await post("/api/session/create", { width: 1280, height: 720 });
    const sessionId = createReply.session_id as string;
    const loadReply: Record<string, unknown> = await post(`/api/session/${sessionId}/load`, { url: testUrl });

    const ws = new WebSocket(`ws://${location.host}/ws/signaling`);
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    // Built before join, with the client's own (here: no) ICE servers, as the original does.
    const pc = new RTCPeerConnection({ iceServers: [] });
    const video = document.createElement("video");
    video.muted = true;
    video.autoplay = true;
    video.playsInline = true;
    document.body.append(video);
    const received: string[] = [];
    const w = window as unknown as Record<string, unknown>;
    w.__pc = pc;
    w.__ws = ws;
    w.__video = video;
    pc.ontrack = (event) => {
      if (event.streams && event.streams[0]) video.srcObject = event.streams[0];
    };
    pc.onicecandidate = (event) => {
      if (event.candidate) {
        ws.send(
          JSON.stringify({
            type: "ice-candidate",
            candidate: {
              candidate: event.candidate.candidate,
              sdpMid: event.candidate.sdpMid,
              sdpMLineIndex: event.candidate.sdpMLineIndex,
            },
          }),
        );
      }
    };
    pc.ondatachannel = (event) => {
      w.__dc = event.channel;
    };
    const done = new Promise<void>((resolve, reject) => {
      ws.onmessage = async (event) => {
        const message = JSON.parse(event.data as string);
        received.push(message.type);
        if (message.type === "offer") {
          await pc.setRemoteDescription(new RTCSessionDescription(message.offer));
          const answer = await pc.createAnswer();
          await pc.setLocalDescription(answer);
          ws.send(JSON.stringify({ type: "answer", answer: { sdp: answer.sdp, type: answer.type } }));
        } else if (message.type === "ready") {
          ws.send(JSON.stringify({ type: "ping" }));
        } else if (message.type === "pong") {
          resolve();
        } else if (message.type === "error") {
          reject(new Error(message.message));
        }
        // "ice-candidate" from the server is ignored, exactly like the original client.
      };
    });
    ws.send(JSON.stringify({ type: "join", session_id: sessionId }));
    await done;
    return { sessionId, createReply, loadReply, received };
  }, `${app.fixtures.origin}/test-page.html`);

  assert.equal(report.createReply.success, true);
  assert.equal(report.createReply.websocket_url, "/ws/signaling");
  assert.deepEqual(report.createReply.viewport, { width: 1280, height: 720 });
  assert.equal(report.loadReply.success, true);
  assert.equal(report.loadReply.url, `${app.fixtures.origin}/test-page.html`);
  assert.deepEqual(
    report.received.filter((t) => t !== "ice-candidate"),
    ["offer", "ready", "pong"],
  );
});

test("frames are decoded at the viewport size", async () => {
  const video = await app.page.evaluateHandle(() => (window as unknown as { __video: HTMLVideoElement }).__video);
  await installProbe(app.page, video.asElement());
  const state = await waitForFrames(app.page, 5);
  assert.equal(state.width, 1280);
  assert.equal(state.height, 720);
  await waitForPixel(app.page, 640, 120, isRed, "the red tap zone of the test page");
});

test("a DataChannel click reaches the page and the change is decoded", async () => {
  await app.page.waitForFunction(() => (window as unknown as { __dc?: RTCDataChannel }).__dc?.readyState === "open", undefined, {
    timeout: 20_000,
  });
  await app.page.evaluate(() =>
    (window as unknown as { __dc: RTCDataChannel }).__dc.send(JSON.stringify({ type: "click", x: 640, y: 120 })),
  );
  const click = await app.fixtures.waitFor((r) => r.event === "click", 15_000, "the click in the remote page");
  assert.equal(click.x, 640);
  assert.equal(click.y, 120);
  await waitForPixel(app.page, 640, 120, isGreen, "the tap zone turned green");
});

test("text, key and scroll messages of the original contract reach the page", async () => {
  const send = (message: unknown) =>
    app.page.evaluate((m) => (window as unknown as { __dc: RTCDataChannel }).__dc.send(JSON.stringify(m)), message);
  await send({ type: "click", x: 300, y: 330 });
  await send({ type: "text", text: "héllo 世界" });
  await app.fixtures.waitFor((r) => r.event === "input" && r.value === "héllo 世界", 15_000, "the typed text in the field");
  await send({ type: "key", key: "Backspace" });
  await app.fixtures.waitFor((r) => r.event === "input" && r.value === "héllo 世", 15_000, "Backspace deleting a character");
  await send({ type: "key", key: "Enter" });
  await app.fixtures.waitFor((r) => r.event === "keydown" && r.key === "Enter", 15_000, "Enter in the field");
  await send({ type: "scroll", deltaY: 600 });
  const scrolled = await app.fixtures.waitFor((r) => r.event === "scroll" && Number(r.y) > 0, 15_000, "the page scrolled");
  assert.ok(Number(scrolled.y) >= 300, `scrolled by ${scrolled.y}px`);
});

test("a malformed DataChannel message gets an input-error reply and the channel keeps working", async () => {
  const reply = await app.page.evaluate(async () => {
    const dc = (window as unknown as { __dc: RTCDataChannel }).__dc;
    // Page events (navigation state, viewport) share the channel: wait for the error reply itself.
    const answer = new Promise<string>((resolve) => {
      const onMessage = (e: MessageEvent) => {
        if (JSON.parse(e.data as string).type !== "input-error") return;
        dc.removeEventListener("message", onMessage);
        resolve(e.data as string);
      };
      dc.addEventListener("message", onMessage);
    });
    dc.send(JSON.stringify({ type: "click", x: "left" }));
    return answer;
  });
  const parsed = JSON.parse(reply) as { type: string; code: string; message: string };
  assert.equal(parsed.type, "input-error");
  assert.match(parsed.message, /x: expected a number/);
});

test("the original's REST replies: /api/info and /api/sessions in its shape, detail under /api/admin/sessions", async () => {
  const created = (await (
    await fetch(`${app.renderer.url}/api/session/create`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ session_id: "contract-shape" }),
    })
  ).json()) as { session_id: string };
  assert.equal(created.session_id, "contract-shape");
  try {
    const info = (await (await fetch(`${app.renderer.url}/api/info`)).json()) as Record<string, Record<string, Record<string, unknown>>>;
    for (const key of ["name", "version", "webrtc", "browser", "connections", "endpoints"]) assert.ok(key in info, `/api/info has ${key}`);
    assert.equal(info.webrtc.video.codec, "VP8");
    assert.equal(info.webrtc.video.resolution, "1280x720");
    assert.equal(info.webrtc.video.capture, "cdp-screencast");
    assert.equal(typeof info.webrtc.audio.enabled, "boolean");
    assert.equal(info.webrtc.audio.sample_rate, 48000);
    assert.equal(info.webrtc.audio.channels, 1);
    assert.ok((info.browser.sessions as unknown as string[]).includes("contract-shape"));
    assert.equal(info.browser.max_sessions, 4);

    const listed = (await (await fetch(`${app.renderer.url}/api/sessions`)).json()) as {
      success: boolean;
      sessions: { active_sessions: number; max_sessions: number; sessions: string[] };
    };
    assert.equal(listed.success, true);
    assert.ok(listed.sessions.active_sessions >= 1);
    assert.equal(listed.sessions.max_sessions, 4);
    assert.ok(listed.sessions.sessions.includes("contract-shape"));

    const detail = (await (await fetch(`${app.renderer.url}/api/admin/sessions`)).json()) as {
      sessions: { session_id: string; url: string; viewers: number }[];
    };
    const mine = detail.sessions.find((s) => s.session_id === "contract-shape");
    assert.ok(mine, "the admin list has the session's summary");
    assert.equal(mine.viewers, 0);
  } finally {
    await fetch(`${app.renderer.url}/api/session/contract-shape`, { method: "DELETE" });
  }
  const after = (await (await fetch(`${app.renderer.url}/api/sessions`)).json()) as { sessions: { sessions: string[] } };
  assert.ok(!after.sessions.sessions.includes("contract-shape"));
});
