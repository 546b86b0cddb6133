/**
 * Runs in the client Chromium against our WebSocket picture path (/ws/jpeg, the fallback for
 * tablets without working WebRTC): creates a session, joins it, draws each JPEG onto a canvas
 * and acknowledges it as the viewer does, and measures what the other clients measure (fps of
 * drawn frames, join → first drawn frame, tap → first drawn frame whose marker pixel changed,
 * bytes received). Free of imports: serialized by playwright into the page.
 */
export interface FallbackRunResult {
  sessionId: string;
  fps: number;
  frameWidth: number;
  frameHeight: number;
  joinToFirstFrameMs: number;
  tapLatenciesMs: number[];
  missedTaps: number;
  bytesReceived: number;
  seconds: number;
}

export async function runFallbackClient(opts: {
  kiosk: string;
  width: number;
  height: number;
  fpsSeconds: number;
  taps: number;
  marker: { x: number; y: number };
  tapAt: { x: number; y: number };
}): Promise<FallbackRunResult> {
  const created = (await (
    await fetch("/api/session/create", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kiosk: opts.kiosk, width: opts.width, height: opts.height }),
    })
  ).json()) as { session_id: string };
  const canvas = document.createElement("canvas");
  const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
  let draws = 0;
  let bytes = 0;
  const drawWaiters: ((t: number) => void)[] = [];
  const ws = new WebSocket(`ws://${location.host}/ws/jpeg`);
  ws.binaryType = "blob";
  let drawing = false;
  let latest: Blob | null = null;
  const ack = () => ws.send('{"type":"ack"}');
  const drawLatest = async () => {
    if (drawing || !latest) return;
    drawing = true;
    const data = latest;
    latest = null;
    const bitmap = await createImageBitmap(data);
    if (canvas.width !== bitmap.width || canvas.height !== bitmap.height) {
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
    }
    ctx.drawImage(bitmap, 0, 0);
    bitmap.close();
    draws++;
    ack();
    const now = performance.now();
    for (const w of drawWaiters.splice(0)) w(now);
    drawing = false;
    void drawLatest();
  };
  ws.onmessage = (e) => {
    if (typeof e.data === "string") return;
    bytes += (e.data as Blob).size;
    if (latest) ack(); // skipped for the newer one, as the viewer does
    latest = e.data as Blob;
    void drawLatest();
  };
  const nextDraw = (timeoutMs = 30_000) =>
    new Promise<number>((resolve) => {
      const timer = setTimeout(() => resolve(NaN), Math.max(0, timeoutMs));
      drawWaiters.push((t) => {
        clearTimeout(timer);
        resolve(t);
      });
    });
  await new Promise((r) => (ws.onopen = r));
  const started = performance.now();
  ws.send(JSON.stringify({ type: "join", session_id: created.session_id }));
  const first = await nextDraw();
  const a = draws;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, opts.fpsSeconds * 1000));
  const fps = ((draws - a) * 1000) / (performance.now() - t0);
  const bright = () => {
    const d = ctx.getImageData(opts.marker.x, opts.marker.y, 1, 1).data;
    return d[0] + d[1] + d[2] > 384;
  };
  const tapLatenciesMs: number[] = [];
  let missedTaps = 0;
  for (let i = 0; i < opts.taps; i++) {
    await nextDraw(100);
    const before = bright();
    const sentAt = performance.now();
    ws.send(JSON.stringify({ type: "input", input: { type: "click", x: opts.tapAt.x, y: opts.tapAt.y } }));
    let seen = false;
    while (performance.now() - sentAt < 2000) {
      const at = await nextDraw(sentAt + 2000 - performance.now());
      if (Number.isNaN(at)) break;
      if (bright() !== before) {
        tapLatenciesMs.push(at - sentAt);
        seen = true;
        break;
      }
    }
    if (!seen) missedTaps++;
    await new Promise((r) => setTimeout(r, 150 + Math.random() * 200));
  }
  const seconds = (performance.now() - started) / 1000;
  ws.close();
  return {
    sessionId: created.session_id,
    fps,
    frameWidth: canvas.width,
    frameHeight: canvas.height,
    joinToFirstFrameMs: first - started,
    tapLatenciesMs,
    missedTaps,
    bytesReceived: bytes,
    seconds,
  };
}
