/**
 * A long-lived stream in the client Chromium, driven through the raw contract (no viewer):
 * `window.__stream` keeps the peer, the DataChannel and a frame counter, so a test can watch
 * frames keep coming while it does something else to the renderer.
 */
import type { Page } from "playwright-core";

export async function openStream(page: Page, rendererUrl: string, kiosk: string): Promise<string> {
  await page.goto(`${rendererUrl}/health`);
  return page.evaluate(async (k) => {
    const created = await fetch("/api/session/create", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ kiosk: k }),
    }).then((r) => r.json());
    const ws = new WebSocket(`ws://${location.host}/ws/signaling`);
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    const video = document.createElement("video");
    video.muted = true;
    video.autoplay = true;
    document.body.append(video);
    const state = { frames: 0, dc: null as RTCDataChannel | null, pc: null as RTCPeerConnection | null, ws, video };
    (window as unknown as { __stream: typeof state }).__stream = state;
    const onFrame = () => {
      state.frames++;
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
    ws.onmessage = async (event) => {
      const m = JSON.parse(event.data as string);
      if (m.type === "offer") {
        const pc = new RTCPeerConnection({ iceServers: m.iceServers ?? [] });
        state.pc = pc;
        pc.ontrack = (e) => (video.srcObject = e.streams[0]!);
        pc.ondatachannel = (e) => (state.dc = e.channel);
        pc.onicecandidate = (e) => e.candidate && ws.send(JSON.stringify({ type: "ice-candidate", candidate: e.candidate.toJSON() }));
        await pc.setRemoteDescription(m.offer);
        const answer = await pc.createAnswer();
        await pc.setLocalDescription(answer);
        ws.send(JSON.stringify({ type: "answer", answer: { type: "answer", sdp: answer.sdp } }));
      } else if (m.type === "ice-candidate" && state.pc) {
        await state.pc.addIceCandidate(m.candidate).catch(() => {});
      }
    };
    ws.send(JSON.stringify({ type: "join", session_id: created.session_id }));
    return created.session_id as string;
  }, kiosk);
}

async function frames(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __stream: { frames: number } }).__stream.frames);
}

/** Frames presented during the next `ms` milliseconds. */
export async function framesDuring(page: Page, ms: number): Promise<number> {
  const before = await frames(page);
  await new Promise((r) => setTimeout(r, ms));
  return (await frames(page)) - before;
}

export async function waitForChannel(page: Page): Promise<void> {
  await page.waitForFunction(
    () => (window as unknown as { __stream: { dc: RTCDataChannel | null } }).__stream.dc?.readyState === "open",
    undefined,
    { timeout: 30_000 },
  );
}

/** Ends a session on the renderer (DELETE /api/session/:id); the response is not checked. */
export function closeSession(rendererUrl: string, id: string): Promise<Response> {
  return fetch(`${rendererUrl}/api/session/${id}`, { method: "DELETE" });
}
