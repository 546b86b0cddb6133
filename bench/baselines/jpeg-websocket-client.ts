/**
 * Runs in the client Chromium against the JPEG-over-WebSocket baseline: draws each JPEG onto a
 * canvas and measures what ours measures (fps of drawn frames, open → first drawn frame, click →
 * first drawn frame whose marker pixel changed, bytes received). Free of imports: serialized by
 * playwright into the page.
 */
export interface CanvasRunResult {
  fps: number;
  openToFirstFrameMs: number;
  tapLatenciesMs: number[];
  missedTaps: number;
  kbitPerSecond: number;
}

export async function runCanvasClient(opts: { fpsSeconds: number; taps: number; marker: { x: number; y: number }; tapAt: { x: number; y: number } }): Promise<CanvasRunResult> {
  const canvas = document.getElementById("c") as HTMLCanvasElement;
  const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
  let draws = 0;
  let bytes = 0;
  const drawWaiters: ((t: number) => void)[] = [];
  const started = performance.now();
  const ws = new WebSocket(`ws://${location.host}/`);
  ws.binaryType = "arraybuffer";
  let decoding = false;
  let latest: ArrayBuffer | null = null;
  const drawLatest = async () => {
    if (decoding || !latest) return;
    decoding = true;
    const data = latest;
    latest = null;
    const bitmap = await createImageBitmap(new Blob([data], { type: "image/jpeg" }));
    ctx.drawImage(bitmap, 0, 0);
    bitmap.close();
    draws++;
    const now = performance.now();
    for (const w of drawWaiters.splice(0)) w(now);
    decoding = false;
    void drawLatest();
  };
  ws.onmessage = (e) => {
    bytes += (e.data as ArrayBuffer).byteLength;
    latest = e.data as ArrayBuffer;
    void drawLatest();
  };
  /** The time of the next drawn frame, or NaN when none comes within timeoutMs (a static page sends none). */
  const nextDraw = (timeoutMs = 30_000) =>
    new Promise<number>((resolve) => {
      const timer = setTimeout(() => resolve(NaN), timeoutMs);
      drawWaiters.push((t) => {
        clearTimeout(timer);
        resolve(t);
      });
    });
  await new Promise((r) => (ws.onopen = r));
  const opened = performance.now();
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
    // Tap in a random phase after a frame on a moving page; a static page draws nothing until tapped.
    await nextDraw(100);
    const before = bright();
    const sentAt = performance.now();
    ws.send(JSON.stringify({ type: "click", x: opts.tapAt.x, y: opts.tapAt.y }));
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
  return { fps, openToFirstFrameMs: first - opened, tapLatenciesMs, missedTaps, kbitPerSecond: (bytes * 8) / 1000 / seconds };
}
