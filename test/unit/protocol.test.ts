import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  MAX_INPUT_MESSAGE_BYTES,
  MAX_JPEG_CLIENT_MESSAGE_BYTES,
  parseClientMessage,
  parseJpegClientMessage,
  parseInputMessage,
  readCreateSessionBody,
  readLoadBody,
} from "../../protocol/index.js";

function rejects(fn: () => unknown, expected: RegExp): void {
  assert.throws(fn, (err: Error) => {
    assert.match(err.message, expected);
    return true;
  });
}

describe("input messages (DataChannel)", () => {
  test("the original contract's four messages", () => {
    assert.deepEqual(parseInputMessage('{"type":"click","x":10,"y":20}'), { type: "click", x: 10, y: 20 });
    assert.deepEqual(parseInputMessage('{"type":"scroll","deltaY":-120}'), { type: "scroll", deltaY: -120 });
    assert.deepEqual(parseInputMessage('{"type":"text","text":"hi"}'), { type: "text", text: "hi" });
    assert.deepEqual(parseInputMessage('{"type":"key","key":"Enter"}'), { type: "key", key: "Enter" });
    assert.deepEqual(parseInputMessage('{"type":"flush"}'), { type: "flush" });
  });

  test("extensions: pointer, scroll position, modifiers", () => {
    assert.deepEqual(parseInputMessage('{"type":"pointer","action":"move","x":1.5,"y":2,"button":"left"}'), {
      type: "pointer",
      action: "move",
      x: 1.5,
      y: 2,
      button: "left",
    });
    assert.deepEqual(parseInputMessage('{"type":"scroll","deltaY":3,"deltaX":4,"x":5,"y":6}'), {
      type: "scroll",
      deltaY: 3,
      deltaX: 4,
      x: 5,
      y: 6,
    });
    assert.deepEqual(parseInputMessage('{"type":"key","key":"a","modifiers":["Control"]}'), {
      type: "key",
      key: "a",
      modifiers: ["Control"],
    });
  });

  const bad: [string, string, RegExp][] = [
    ["not JSON", "{", /^message: is not valid JSON/],
    ["not an object", "[1]", /^message: expected an object/],
    ["no type", '{"x":1}', /^type: is required/],
    ["an unknown type", '{"type":"explode"}', /^type: expected one of "click"/],
    ["a click without y", '{"type":"click","x":1}', /^y: is required/],
    ["a string coordinate", '{"type":"click","x":"1","y":2}', /^x: expected a number/],
    ["an absurd coordinate", '{"type":"click","x":1e12,"y":2}', /^x: must be at most/],
    ["text that is a number", '{"type":"text","text":5}', /^text: expected a string/],
    ["huge text", JSON.stringify({ type: "text", text: "a".repeat(5000) }), /^text: must be at most 4096/],
    ["an empty key", '{"type":"key","key":""}', /^key: must not be empty/],
    ["an unknown modifier", '{"type":"key","key":"a","modifiers":["Hyper"]}', /^modifiers\[0\]: expected one of/],
    ["a pointer without action", '{"type":"pointer","x":1,"y":1}', /^action: is required/],
    ["a bad button", '{"type":"click","x":1,"y":1,"button":"thumb"}', /^button: expected one of/],
  ];
  for (const [name, text, expected] of bad) {
    test(`rejects ${name}`, () => rejects(() => parseInputMessage(text), expected));
  }

  test("rejects a message larger than the cap before parsing it", () => {
    rejects(() => parseInputMessage(" ".repeat(MAX_INPUT_MESSAGE_BYTES + 1)), /larger than/);
  });
});

describe("signaling messages (WebSocket)", () => {
  test("join, answer, ice-candidate, ping", () => {
    assert.deepEqual(parseClientMessage('{"type":"join","session_id":"abc-123"}'), { type: "join", session_id: "abc-123" });
    assert.deepEqual(parseClientMessage('{"type":"answer","answer":{"type":"answer","sdp":"v=0"}}'), {
      type: "answer",
      answer: { type: "answer", sdp: "v=0" },
    });
    assert.deepEqual(
      parseClientMessage(
        '{"type":"ice-candidate","candidate":{"candidate":"candidate:1 1 udp 1 1.2.3.4 5 typ host","sdpMid":"0","sdpMLineIndex":0}}',
      ),
      {
        type: "ice-candidate",
        candidate: { candidate: "candidate:1 1 udp 1 1.2.3.4 5 typ host", sdpMid: "0", sdpMLineIndex: 0, usernameFragment: null },
      },
    );
    assert.deepEqual(parseClientMessage('{"type":"ice-candidate","candidate":null}'), { type: "ice-candidate", candidate: null });
    assert.deepEqual(parseClientMessage('{"type":"ice-candidate","candidate":{"candidate":""}}'), {
      type: "ice-candidate",
      candidate: null,
    });
    assert.deepEqual(parseClientMessage('{"type":"ping"}'), { type: "ping" });
  });

  const bad: [string, string, RegExp][] = [
    ["not JSON", "hello", /^message: is not valid JSON/],
    ["an unknown type", '{"type":"offer"}', /^type: expected one of "join"/],
    ["join without a session", '{"type":"join"}', /^session_id: is required/],
    ["join with a malformed session id", '{"type":"join","session_id":"../etc"}', /^session_id: expected 1-64 letters/],
    ["an answer without sdp", '{"type":"answer","answer":{"type":"answer"}}', /^answer\.sdp: is required/],
    ["an answer of type offer", '{"type":"answer","answer":{"type":"offer","sdp":"x"}}', /^answer\.type: expected one of "answer"/],
    ["a candidate that is a string", '{"type":"ice-candidate","candidate":"x"}', /^candidate: expected an object/],
    ["an ice-candidate without candidate", '{"type":"ice-candidate"}', /^candidate: is required/],
  ];
  for (const [name, text, expected] of bad) {
    test(`rejects ${name}`, () => rejects(() => parseClientMessage(text), expected));
  }
});

describe("picture socket messages (WebSocket fallback)", () => {
  test("join, ack, ping and input in its envelope", () => {
    assert.deepEqual(parseJpegClientMessage('{"type":"join","session_id":"abc-1"}'), { type: "join", session_id: "abc-1" });
    assert.deepEqual(parseJpegClientMessage('{"type":"ack"}'), { type: "ack" });
    assert.deepEqual(parseJpegClientMessage('{"type":"ping"}'), { type: "ping" });
    assert.deepEqual(parseJpegClientMessage('{"type":"input","input":{"type":"text","text":"hi"}}'), {
      type: "input",
      input: { type: "text", text: "hi" },
    });
  });

  test("input is validated as DataChannel input, with paths under input", () => {
    rejects(() => parseJpegClientMessage('{"type":"input","input":{"type":"click","x":"a","y":1}}'), /^input\.x: /);
    rejects(() => parseJpegClientMessage('{"type":"input","input":{"type":"warp"}}'), /^input\.type: /);
    rejects(() => parseJpegClientMessage('{"type":"input","input":"click"}'), /^input: /);
    rejects(() => parseJpegClientMessage('{"type":"input"}'), /^input: is required/);
    rejects(() => parseJpegClientMessage('{"type":"offer"}'), /^type: /);
    rejects(() => parseJpegClientMessage('{"type":"join","session_id":"../x"}'), /^session_id: /);
    rejects(() => parseJpegClientMessage(`{"type":"ack","pad":"${"x".repeat(MAX_JPEG_CLIENT_MESSAGE_BYTES)}"}`), /larger than/);
    rejects(() => parseJpegClientMessage("not json"), /JSON|message/);
  });
});

describe("REST bodies", () => {
  test("create accepts the original body, ours, and none", () => {
    assert.deepEqual(readCreateSessionBody(undefined), {});
    assert.deepEqual(readCreateSessionBody({ session_id: "s1", width: 800, height: 1280 }), { session_id: "s1", width: 800, height: 1280 });
    assert.deepEqual(readCreateSessionBody({ kiosk: "welcome" }), { kiosk: "welcome" });
    assert.deepEqual(readCreateSessionBody({ url: "http://x/" }), { url: "http://x/" });
  });

  test("create rejects bad fields with their names", () => {
    rejects(() => readCreateSessionBody({ width: "wide" }), /^width: expected a number/);
    rejects(() => readCreateSessionBody({ width: 50 }), /^width: must be at least 200/);
    rejects(() => readCreateSessionBody({ kiosk: "Bad Id" }), /^kiosk: expected a kiosk id/);
    rejects(() => readCreateSessionBody({ session_id: "a b" }), /^session_id: expected 1-64 letters/);
    rejects(() => readCreateSessionBody("x"), /^body: expected an object/);
  });

  test("load needs a url", () => {
    assert.deepEqual(readLoadBody({ url: "http://x/" }), { url: "http://x/" });
    rejects(() => readLoadBody({}), /^url: is required/);
    rejects(() => readLoadBody({ url: 3 }), /^url: expected a string/);
  });
});
