import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ChannelEvent } from "../../protocol/index.js";
import type { AudioData, I420Frame } from "../../renderer/media/frames.js";
import type { JpegViewer } from "../../renderer/sessions/jpeg-viewer.js";
import { REFRESH_REPEAT_MS, SessionViewers, type ViewerPeer } from "../../renderer/sessions/session-viewers.js";

/** A viewer's end as it would see it: every frame, sound block and event that reached it. */
class FakePeer implements ViewerPeer {
  readonly frames: I420Frame[] = [];
  readonly audio: AudioData[] = [];
  readonly events: ChannelEvent[] = [];
  closed = false;
  constructor(readonly id: string) {}
  pushFrame(frame: I420Frame): void {
    this.frames.push(frame);
  }
  pushAudio(frame: AudioData): void {
    this.audio.push(frame);
  }
  sendEvent(event: ChannelEvent): void {
    this.events.push(event);
  }
  senderStats(): Promise<Record<string, unknown>> {
    return Promise.resolve({ framesSent: this.frames.length });
  }
  close(): void {
    this.closed = true;
  }
}

class FakeJpegViewer implements JpegViewer {
  readonly jpegs: string[] = [];
  readonly events: ChannelEvent[] = [];
  pushJpeg(jpeg: string): void {
    this.jpegs.push(jpeg);
  }
  sendEvent(event: ChannelEvent): void {
    this.events.push(event);
  }
}

function frame(width: number): I420Frame {
  return { width, height: 2, data: new Uint8Array(width * 3) };
}

const tone: AudioData = { samples: new Int16Array(480), sampleRate: 48_000, bitsPerSample: 16, channelCount: 1, numberOfFrames: 480 };

/** Timers by hand: `runDue` runs what was scheduled, with the delay it asked for. */
function manualLater() {
  const queued: { run: () => void; ms: number }[] = [];
  return {
    later: (run: () => void, ms: number) => void queued.push({ run, ms }),
    delays: () => queued.map((q) => q.ms),
    runDue: () => queued.splice(0).forEach((q) => q.run()),
  };
}

describe("session viewers", () => {
  it("gives a joining peer the capture's newest frame at once, and nothing when there is none", () => {
    const viewers = new SessionViewers<FakePeer>();
    const early = new FakePeer("p1");
    viewers.addPeer(early, null);
    assert.deepEqual(early.frames, []);
    const newest = frame(4);
    const late = new FakePeer("p2");
    viewers.addPeer(late, newest);
    assert.deepEqual(late.frames, [newest]);
  });

  it("sends every frame and sound block to each peer until it leaves", () => {
    const viewers = new SessionViewers<FakePeer>();
    const a = new FakePeer("p1");
    const b = new FakePeer("p2");
    viewers.addPeer(a, null);
    viewers.addPeer(b, null);
    const first = frame(2);
    viewers.pushFrame(first);
    viewers.pushAudio(tone);
    assert.equal(viewers.removePeer(a), true);
    assert.equal(viewers.removePeer(a), false, "a peer leaves once");
    const second = frame(4);
    viewers.pushFrame(second);
    assert.deepEqual(a.frames, [first]);
    assert.deepEqual(b.frames, [first, second]);
    assert.deepEqual(a.audio, [tone]);
    assert.deepEqual(b.audio, [tone]);
  });

  it("gives a joining JPEG viewer the newest JPEG, then each new one, and never sound or I420 frames", () => {
    const viewers = new SessionViewers<FakePeer>();
    viewers.pushJpeg("old");
    viewers.pushJpeg("newest");
    const viewer = new FakeJpegViewer();
    viewers.addJpegViewer(viewer);
    viewers.pushJpeg("next");
    viewers.pushFrame(frame(2));
    viewers.pushAudio(tone);
    assert.deepEqual(viewer.jpegs, ["newest", "next"]);
    assert.equal(viewers.removeJpegViewer(viewer), true);
    viewers.pushJpeg("after");
    assert.deepEqual(viewer.jpegs, ["newest", "next"]);
  });

  it("tells page events to peers and JPEG viewers alike, and counts both", () => {
    const viewers = new SessionViewers<FakePeer>();
    const peer = new FakePeer("p1");
    const viewer = new FakeJpegViewer();
    viewers.addPeer(peer, null);
    viewers.addJpegViewer(viewer);
    assert.equal(viewers.count, 2);
    assert.equal(viewers.peerCount, 1);
    const event: ChannelEvent = { type: "audio", playing: true };
    viewers.broadcast(event);
    assert.deepEqual(peer.events, [event]);
    assert.deepEqual(viewer.events, [event]);
  });

  it("refreshes a connected peer now and once more after the repeat delay, with the frame newest then", () => {
    const clock = manualLater();
    const viewers = new SessionViewers<FakePeer>({ later: clock.later });
    const peer = new FakePeer("p1");
    viewers.addPeer(peer, null);
    let newest: I420Frame | null = frame(2);
    const first = newest;
    viewers.refreshPeer(peer, () => newest);
    assert.deepEqual(peer.frames, [first]);
    assert.deepEqual(clock.delays(), [REFRESH_REPEAT_MS]);
    newest = frame(4);
    clock.runDue();
    assert.deepEqual(peer.frames, [first, newest]);
  });

  it("does not refresh a peer that left before the repeat, nor push when the capture has no frame", () => {
    const clock = manualLater();
    const viewers = new SessionViewers<FakePeer>({ later: clock.later });
    const empty = new FakePeer("p1");
    viewers.addPeer(empty, null);
    viewers.refreshPeer(empty, () => null);
    clock.runDue();
    assert.deepEqual(empty.frames, []);

    const leaving = new FakePeer("p2");
    viewers.addPeer(leaving, null);
    const only = frame(2);
    viewers.refreshPeer(leaving, () => only);
    viewers.removePeer(leaving);
    clock.runDue();
    assert.deepEqual(leaving.frames, [only]);
  });

  it("reports each peer's sender figures and closes every peer when the session closes", async () => {
    const viewers = new SessionViewers<FakePeer>();
    const a = new FakePeer("p1");
    const b = new FakePeer("p2");
    viewers.addPeer(a, frame(2));
    viewers.addPeer(b, null);
    assert.deepEqual(await viewers.peerStats(), [
      { peer: "p1", framesSent: 1 },
      { peer: "p2", framesSent: 0 },
    ]);
    viewers.closePeers();
    assert.equal(a.closed && b.closed, true);
    assert.equal(viewers.count, 0);
    viewers.pushFrame(frame(4));
    assert.equal(a.frames.length, 1, "a closed peer gets no more frames");
  });
});
