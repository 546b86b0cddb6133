import { expect } from "@esm-bundle/chai";
import { PeerLink, type PeerLinkEvents } from "../../viewer/src/connection/peer-link.js";
import { TAIL_FLUSH_SPACING_MS, TAIL_FLUSHES, TailFlush } from "../../viewer/src/connection/tail-flush.js";

/** Timers wound by hand. */
function manualTimers() {
  let now = 0;
  let next = 1;
  const pending = new Map<number, { at: number; callback: () => void }>();
  return {
    setTimeout: (callback: () => void, ms: number) => {
      pending.set(next, { at: now + ms, callback });
      return next++;
    },
    clearTimeout: (handle: unknown) => void pending.delete(handle as number),
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = [...pending.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        pending.delete(due[0]);
        now = due[1].at;
        due[1].callback();
      }
      now = end;
    },
  };
}

describe("TailFlush", () => {
  it("sends its flushes one spacing apart after a tap, then stops", () => {
    const timers = manualTimers();
    let sent = 0;
    const flush = new TailFlush(timers, () => (sent++, true));
    flush.arm();
    timers.advance(TAIL_FLUSH_SPACING_MS - 1);
    expect(sent).to.equal(0);
    timers.advance(1);
    expect(sent).to.equal(1);
    timers.advance(10 * TAIL_FLUSH_SPACING_MS);
    expect(sent).to.equal(TAIL_FLUSHES);
  });

  it("restarts its count on the next tap instead of adding a second series", () => {
    const timers = manualTimers();
    let sent = 0;
    const flush = new TailFlush(timers, () => (sent++, true));
    flush.arm();
    timers.advance(TAIL_FLUSH_SPACING_MS);
    flush.arm();
    flush.arm();
    timers.advance(10 * TAIL_FLUSH_SPACING_MS);
    expect(sent).to.equal(1 + TAIL_FLUSHES);
  });

  it("stops when the channel refuses, and after close", () => {
    const timers = manualTimers();
    let sent = 0;
    const refusing = new TailFlush(timers, () => (sent++, false));
    refusing.arm();
    timers.advance(10 * TAIL_FLUSH_SPACING_MS);
    expect(sent).to.equal(1);
    const closed = new TailFlush(timers, () => (sent++, true));
    closed.arm();
    closed.close();
    closed.close();
    timers.advance(10 * TAIL_FLUSH_SPACING_MS);
    expect(sent).to.equal(1);
  });
});

describe("PeerLink input channel", () => {
  const waitFor = async (condition: () => boolean, what: string) => {
    const start = performance.now();
    while (!condition()) {
      if (performance.now() - start > 5000) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  it("follows a tap, not a move, with flushes on the real channel", async () => {
    const renderer = new RTCPeerConnection();
    const channel = renderer.createDataChannel("input");
    const received: string[] = [];
    channel.onmessage = (e: MessageEvent) => received.push((JSON.parse(e.data as string) as { type: string }).type);
    let open = false;
    const events: PeerLinkEvents = {
      stream: () => {},
      localCandidate: (c) => void renderer.addIceCandidate(c),
      connected: () => {},
      failed: () => {},
      inputError: () => {},
      channelOpen: () => (open = true),
      channelEvent: () => {},
    };
    const link = new PeerLink(
      RTCPeerConnection,
      [],
      { setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (h) => clearTimeout(h as number) },
      events,
    );
    renderer.onicecandidate = (e) => {
      if (e.candidate)
        link.addRemoteCandidate({ candidate: e.candidate.candidate, sdpMid: e.candidate.sdpMid, sdpMLineIndex: e.candidate.sdpMLineIndex });
    };
    await renderer.setLocalDescription(await renderer.createOffer());
    const answer = await link.applyOffer(renderer.localDescription!.toJSON());
    await renderer.setRemoteDescription({ type: "answer", sdp: answer });
    await waitFor(() => open && channel.readyState === "open", "the input channel");

    expect(link.send({ type: "pointer", action: "move", x: 1, y: 1 })).to.equal(true);
    await waitFor(() => received.length === 1, "the move");
    expect(link.send({ type: "click", x: 5, y: 5 })).to.equal(true);
    await waitFor(() => received.length === 2 + TAIL_FLUSHES, "the tap and its flushes");
    expect(received).to.deep.equal(["pointer", "click", ...Array<string>(TAIL_FLUSHES).fill("flush")]);

    link.close();
    renderer.close();
  });
});
