/**
 * Keyframe answers on an injected clock: a PLI on a static page gets the newest frame pushed
 * again within one poll (the encoder makes it a keyframe), flowing frames need no answer, and a
 * viewer asking again and again gets at most one answer per interval.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  FLOWING_FRAME_MS,
  KEYFRAME_POLL_MS,
  KeyframeAnswer,
  MIN_KEYFRAME_ANSWER_INTERVAL_MS,
} from "../../renderer/webrtc/keyframe-answer.js";
import { BEHIND_FRAME_INTERVAL_MS, SendQueueGuard } from "../../renderer/webrtc/send-queue-guard.js";

/** A sender whose request counter and pushes the test drives, on a clock the test advances. */
function fakeSender() {
  const state = { now: 0, requests: 0, lastPushAt: null as number | null, pushes: [] as number[], tick: null as (() => void) | null };
  const answer = new KeyframeAnswer({
    readRequests: async () => state.requests,
    lastPushAt: () => state.lastPushAt,
    repush: () => {
      state.lastPushAt = state.now;
      state.pushes.push(state.now);
    },
    now: () => state.now,
    setInterval: (callback) => (state.tick = callback),
    clearInterval: () => (state.tick = null),
  });
  answer.start();
  /** Moves the clock on by `ms`, polling as the interval would. */
  const advance = async (ms: number) => {
    for (let t = 0; t < ms; t += KEYFRAME_POLL_MS) {
      state.now += KEYFRAME_POLL_MS;
      state.tick?.();
      await new Promise((r) => setImmediate(r));
    }
  };
  const frame = () => (state.lastPushAt = state.now);
  return { state, answer, advance, frame };
}

describe("keyframe answer", () => {
  it("pushes the newest frame within one poll when a static page gets a PLI", async () => {
    const { state, advance, frame } = fakeSender();
    frame();
    await advance(2000);
    assert.deepEqual(state.pushes, [], "no request, no push");
    const askedAt = state.now;
    state.requests = 1;
    await advance(KEYFRAME_POLL_MS);
    assert.equal(state.pushes.length, 1);
    assert.ok(state.pushes[0] - askedAt <= KEYFRAME_POLL_MS, `answered after ${state.pushes[0] - askedAt} ms`);
  });

  it("leaves a request to the next frame when frames are flowing", async () => {
    const { state, advance, frame } = fakeSender();
    state.requests = 1;
    for (let i = 0; i < 10; i++) {
      frame();
      await advance(KEYFRAME_POLL_MS);
    }
    assert.deepEqual(state.pushes, []);
  });

  it("answers a request the flowing frames did not, once they stop", async () => {
    const { state, advance, frame } = fakeSender();
    frame();
    state.requests = 1;
    await advance(KEYFRAME_POLL_MS);
    assert.ok(KEYFRAME_POLL_MS < FLOWING_FRAME_MS);
    assert.deepEqual(state.pushes, [], "a frame came just before: wait for the next");
    await advance(FLOWING_FRAME_MS);
    assert.equal(state.pushes.length, 1, "none came: answer");
  });

  it("answers at most once per interval, however often the viewer asks", async () => {
    const { state, advance, frame } = fakeSender();
    frame();
    await advance(1000);
    for (let i = 0; i < 50; i++) {
      state.requests++;
      await advance(KEYFRAME_POLL_MS);
    }
    const span = 50 * KEYFRAME_POLL_MS;
    assert.ok(state.pushes.length <= Math.ceil(span / MIN_KEYFRAME_ANSWER_INTERVAL_MS) + 1, `${state.pushes.length} answers in ${span} ms`);
    for (let i = 1; i < state.pushes.length; i++) assert.ok(state.pushes[i] - state.pushes[i - 1] >= MIN_KEYFRAME_ANSWER_INTERVAL_MS);
    assert.ok(state.pushes.length >= 5, "but it keeps answering");
  });

  it("stops polling on close", async () => {
    const { state, answer, advance, frame } = fakeSender();
    frame();
    answer.close();
    answer.close();
    state.requests = 3;
    await advance(1000);
    assert.deepEqual(state.pushes, []);
  });
});

describe("send queue guard", () => {
  it("holds frames back while recent packets waited long, and lets one through per interval", () => {
    const guard = new SendQueueGuard();
    guard.update({ totalPacketSendDelay: 0, packetsSent: 0 });
    guard.update({ totalPacketSendDelay: 0.1, packetsSent: 100 }); // 1 ms a packet
    assert.equal(guard.behind, false);
    assert.equal(guard.admit(1000, 990), true);
    guard.update({ totalPacketSendDelay: 0.1 + 100 * 0.2, packetsSent: 200 }); // 200 ms a packet
    assert.equal(guard.behind, true);
    assert.equal(guard.admit(1000, 990), false);
    assert.equal(guard.admit(1000 + BEHIND_FRAME_INTERVAL_MS, 1000), true, "the picture keeps moving");
    guard.update({ totalPacketSendDelay: 20.1 + 100 * 0.04, packetsSent: 300 }); // 40 ms: between the marks
    assert.equal(guard.behind, true, "no flapping between the two marks");
    guard.update({ totalPacketSendDelay: 24.1 + 100 * 0.005, packetsSent: 400 });
    assert.equal(guard.behind, false, "caught up");
    assert.equal(guard.admit(1000, 990), true);
  });
});
