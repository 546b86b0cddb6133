/**
 * Code that runs inside the client Chromium during the bench: a minimal viewer (REST create,
 * WebSocket join, answer, DataChannel) that timestamps every step with the page's clock and
 * watches decoded frames with requestVideoFrameCallback. Kept free of imports: it is serialized
 * into the page by playwright.
 */

export interface WebRtcRunOptions {
  kiosk: string;
  width: number;
  height: number;
  fpsSeconds: number;
  taps: number;
  /** Page point whose colour flips on each tap (the animated page's marker square). */
  marker: { x: number; y: number };
  tapAt: { x: number; y: number };
  /** "relay" forces the call through TURN; `turnTransport` keeps only that transport's TURN URLs. */
  iceTransportPolicy?: "all" | "relay";
  turnTransport?: "udp" | "tcp";
  /** Replaces the TURN servers' URLs (credentials kept): the bench's impaired link sits there. */
  turnUrls?: string[];
  /** The receiver's jitterBufferTarget in ms; 0 (what our viewer sets) when not given. */
  jitterBufferTargetMs?: number;
  /**
   * Flush messages sent 8 ms apart after each tap, as the viewer does (viewer/src/connection/
   * tail-flush.ts); default 3, 0 for the client without them.
   */
  tailFlushes?: number;
  /**
   * Leave the call open for a later script in the same page: `window.__benchCall` holds the
   * video, the DataChannel and a `close()` that ends the call.
   */
  keepOpen?: boolean;
}

export interface WebRtcRunResult {
  sessionId: string;
  createMs: number;
  joinToFirstFrameMs: number;
  fps: number;
  frameWidth: number;
  frameHeight: number;
  tapLatenciesMs: number[];
  missedTaps: number;
  bytesReceived: number;
  seconds: number;
  client: Record<string, number>;
  server: Record<string, unknown>;
  /** Gaps longer than 300 ms between presented frames, from the first frame to the end. */
  freezes: { count: number; longestMs: number; totalMs: number };
  /** Codec names the client's answer accepted (shows whether RED/ULPFEC were negotiated). */
  answerCodecs: string[];
  /** The local candidate of the pair in use: its type (host/srflx/prflx/relay) and TURN transport. */
  localCandidate: { type: string; relayProtocol?: string; protocol?: string };
}

export async function runWebRtcClient(opts: WebRtcRunOptions): Promise<WebRtcRunResult> {
  const t0 = performance.now();
  const created = await fetch("/api/session/create", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ kiosk: opts.kiosk, width: opts.width, height: opts.height }),
  }).then((r) => r.json());
  if (!created.success) throw new Error(`create failed: ${JSON.stringify(created)}`);
  const createMs = performance.now() - t0;

  const ws = new WebSocket(`ws://${location.host}/ws/signaling`);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  const video = document.createElement("video");
  video.muted = true;
  video.autoplay = true;
  video.playsInline = true;
  document.body.append(video);
  let pc: RTCPeerConnection | null = null;
  let dc: RTCDataChannel | null = null;
  const pending: RTCIceCandidateInit[] = [];
  let answerCodecs: string[] = [];
  const joinAt = performance.now();
  const firstFrame = new Promise<number>((resolve) => {
    const onFrame = (now: number) => resolve(now);
    video.requestVideoFrameCallback(onFrame);
  });
  const channelOpen = new Promise<void>((resolve) => {
    ws.onmessage = async (event) => {
      const m = JSON.parse(event.data as string);
      if (m.type === "offer") {
        let servers: RTCIceServer[] = m.iceServers ?? [];
        if (opts.turnUrls)
          servers = servers
            .filter((s) => ([] as string[]).concat(s.urls).some((u) => u.startsWith("turn")))
            .map((s) => ({ ...s, urls: opts.turnUrls! }));
        else if (opts.turnTransport) {
          servers = servers
            .map((s) => ({
              ...s,
              urls: ([] as string[]).concat(s.urls).filter((u) => u.startsWith("turn") && u.endsWith(`transport=${opts.turnTransport}`)),
            }))
            .filter((s) => s.urls.length > 0);
        }
        pc = new RTCPeerConnection({ iceServers: servers, iceTransportPolicy: opts.iceTransportPolicy ?? "all" });
        pc.ontrack = (e) => {
          // What our viewer does too: a live picture, not a smooth one — no extra jitter buffering.
          (e.receiver as RTCRtpReceiver & { jitterBufferTarget?: number }).jitterBufferTarget = opts.jitterBufferTargetMs ?? 0;
          video.srcObject = e.streams[0]!;
        };
        pc.ondatachannel = (e) => {
          dc = e.channel;
          dc.onopen = () => resolve();
        };
        pc.onicecandidate = (e) => e.candidate && ws.send(JSON.stringify({ type: "ice-candidate", candidate: e.candidate.toJSON() }));
        await pc.setRemoteDescription(m.offer);
        for (const c of pending.splice(0)) await pc.addIceCandidate(c);
        const answer = await pc.createAnswer();
        answerCodecs = [...new Set([...(answer.sdp ?? "").matchAll(/a=rtpmap:\d+ ([\w-]+)\//g)].map((m) => m[1]))];
        await pc.setLocalDescription(answer);
        ws.send(JSON.stringify({ type: "answer", answer: { type: "answer", sdp: answer.sdp } }));
      } else if (m.type === "ice-candidate") {
        if (pc?.remoteDescription) await pc.addIceCandidate(m.candidate);
        else pending.push(m.candidate);
      } else if (m.type === "error") {
        throw new Error(m.message);
      }
    };
  });
  ws.send(JSON.stringify({ type: "join", session_id: created.session_id }));
  const firstFrameAt = await firstFrame;
  await channelOpen;

  // Every presented frame's time, for freezes: gaps the user sees as a stuck picture.
  const presented: number[] = [];
  let watching = true;
  const watch = (now: number) => {
    presented.push(now);
    if (watching) video.requestVideoFrameCallback(watch);
  };
  video.requestVideoFrameCallback(watch);

  // Frames per second over the measurement window, from the compositor's own frame counter.
  const framesNow = () =>
    new Promise<{ now: number; presented: number }>((resolve) =>
      video.requestVideoFrameCallback((now, meta) => resolve({ now, presented: meta.presentedFrames })),
    );
  // fpsSeconds 0: no frame-rate window (a static page may present nothing for a second).
  let fps = NaN;
  if (opts.fpsSeconds > 0) {
    const a = await framesNow();
    await new Promise((r) => setTimeout(r, opts.fpsSeconds * 1000));
    const b = await framesNow();
    fps = ((b.presented - a.presented) * 1000) / (b.now - a.now);
  }

  // Tap latency: DataChannel send → first decoded frame whose marker pixel changed.
  const canvas = document.createElement("canvas");
  canvas.width = 1;
  canvas.height = 1;
  const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
  const markerBright = () => {
    ctx.drawImage(video, opts.marker.x, opts.marker.y, 1, 1, 0, 0, 1, 1);
    const d = ctx.getImageData(0, 0, 1, 1).data;
    return d[0] + d[1] + d[2] > 384;
  };
  const nextFrame = () => new Promise<number>((resolve) => video.requestVideoFrameCallback((now) => resolve(now)));
  const tapLatenciesMs: number[] = [];
  let missedTaps = 0;
  for (let i = 0; i < opts.taps; i++) {
    await nextFrame();
    const before = markerBright();
    const sentAt = performance.now();
    dc!.send(JSON.stringify({ type: "click", x: opts.tapAt.x, y: opts.tapAt.y }));
    // Inline (serialized into the page): the viewer's TAIL_FLUSHES and TAIL_FLUSH_SPACING_MS.
    for (let f = 1; f <= (opts.tailFlushes ?? 3); f++) setTimeout(() => dc!.readyState === "open" && dc!.send('{"type":"flush"}'), f * 8);
    let seen = false;
    while (performance.now() - sentAt < 2000) {
      const at = await nextFrame();
      if (markerBright() !== before) {
        tapLatenciesMs.push(at - sentAt);
        seen = true;
        break;
      }
    }
    if (!seen) missedTaps++;
    // Spread taps over different phases of the capture/encode cycle.
    await new Promise((r) => setTimeout(r, 150 + Math.random() * 200));
  }

  watching = false;
  // A pause between presented frames longer than this is a freeze the user sees (inline: this
  // function is serialized into the page, so it can use no module constant).
  const FREEZE_GAP_MS = 300;
  presented.push(performance.now());
  const gaps = presented
    .slice(1)
    .map((t, i) => t - presented[i])
    .filter((gap) => gap > FREEZE_GAP_MS);
  const freezes = { count: gaps.length, longestMs: Math.max(0, ...gaps), totalMs: gaps.reduce((a, b) => a + b, 0) };

  let bytesReceived = 0;
  const client: Record<string, number> = {};
  const stats = await pc!.getStats();
  let localCandidate: WebRtcRunResult["localCandidate"] = { type: "unknown" };
  stats.forEach((s) => {
    if (s.type === "transport" && s.selectedCandidatePairId) {
      const pair = stats.get(s.selectedCandidatePairId);
      const local = pair && stats.get(pair.localCandidateId);
      if (local) localCandidate = { type: local.candidateType, relayProtocol: local.relayProtocol, protocol: local.protocol };
    }
    if (s.type === "inbound-rtp" && s.kind === "video") {
      bytesReceived = s.bytesReceived;
      client.framesDecoded = s.framesDecoded;
      client.framesDropped = s.framesDropped;
      client.avgJitterBufferMs = (1000 * s.jitterBufferDelay) / Math.max(1, s.jitterBufferEmittedCount);
      client.avgDecodeMs = (1000 * s.totalDecodeTime) / Math.max(1, s.framesDecoded);
      client.avgProcessingMs = (1000 * (s.totalProcessingDelay ?? 0)) / Math.max(1, s.framesDecoded);
      // What explains a stall: loss, repair (NACK/RTX, FEC) and keyframes asked for and got.
      for (const key of [
        "packetsReceived",
        "packetsLost",
        "nackCount",
        "pliCount",
        "firCount",
        "keyFramesDecoded",
        "freezeCount",
        "totalFreezesDuration",
        "retransmittedPacketsReceived",
        "fecPacketsReceived",
        "fecPacketsDiscarded",
        "jitter",
        "framesReceived",
      ])
        if (typeof s[key] === "number") client[key] = s[key];
    }
  });
  const server = await fetch(`/api/session/${created.session_id}/stats`).then((r) => r.json());
  const seconds = (performance.now() - joinAt) / 1000;
  const close = () => {
    ws.close();
    pc?.close();
  };
  if (opts.keepOpen) (window as unknown as { __benchCall: unknown }).__benchCall = { video, dc, close };
  else close();
  return {
    sessionId: created.session_id,
    createMs,
    joinToFirstFrameMs: firstFrameAt - joinAt,
    fps,
    frameWidth: video.videoWidth,
    frameHeight: video.videoHeight,
    tapLatenciesMs,
    missedTaps,
    bytesReceived,
    seconds,
    client,
    server,
    freezes,
    answerCodecs,
    localCandidate,
  };
}
