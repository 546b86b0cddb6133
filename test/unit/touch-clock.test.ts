import assert from "node:assert/strict";
import { test } from "node:test";
import { TouchClock } from "../../renderer/input/touch-clock.js";

function clockAt(start: number) {
  let now = start;
  return { clock: new TouchClock(() => now), advance: (ms: number) => (now += ms) };
}

test("touches that arrive bunched keep the spacing they were made with", () => {
  // The tablet's clock is 5 s behind; an earlier touch arrived without delay.
  const { clock, advance } = clockAt(1_000_000);
  clock.stamp(995_000);
  advance(500);
  // A double tap's touches, made 20 ms and 100 ms apart, then arrive in one burst.
  const down = clock.stamp(995_380);
  advance(1);
  const up = clock.stamp(995_400);
  advance(1);
  const second = clock.stamp(995_500);
  assert.equal(Math.round((up - down) * 1000), 20);
  assert.equal(Math.round((second - up) * 1000), 100);
});

test("a stamp is never in the future and never goes backwards", () => {
  const { clock, advance } = clockAt(50_000);
  const a = clock.stamp(10_000); // Arrived 40 s "late": only the offset is learned.
  advance(10);
  const b = clock.stamp(10_015); // Less delay: the offset shrinks, stamps stay ordered.
  assert.ok(b * 1000 <= 50_010);
  assert.ok(b >= a);
});

test("a clock jump on the tablet re-anchors instead of stamping touches far in the past", () => {
  const { clock, advance } = clockAt(100_000);
  clock.stamp(100_000);
  advance(10_000);
  const stamp = clock.stamp(50_000); // The tablet's clock went back by a minute.
  assert.equal(stamp * 1000, 110_000);
});

test("touches without a time are stamped when they arrive", () => {
  const { clock } = clockAt(7_000);
  assert.equal(clock.stamp(undefined), 7);
});
