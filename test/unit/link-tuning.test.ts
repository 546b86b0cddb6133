/** The A/B switch for loss resilience: defaults, path-precise errors, and the FEC-less offer. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_LINK_TUNING, parseLinkTuning, stripFec, withBitrateFloor } from "../../renderer/webrtc/link-tuning.js";

// The video section of @roamhq/wrtc's own offer (M106), shortened.
const OFFER = [
  "v=0",
  "m=video 9 UDP/TLS/RTP/SAVPF 96 97 125 124 127",
  "a=rtpmap:96 VP8/90000",
  "a=rtcp-fb:96 nack",
  "a=rtcp-fb:96 nack pli",
  "a=rtpmap:97 rtx/90000",
  "a=fmtp:97 apt=96",
  "a=rtpmap:125 red/90000",
  "a=rtpmap:124 rtx/90000",
  "a=fmtp:124 apt=125",
  "a=rtpmap:127 ulpfec/90000",
  "",
].join("\r\n");

describe("link tuning", () => {
  it("defaults to what the bench kept, and reads overrides", () => {
    assert.deepEqual(parseLinkTuning(undefined), DEFAULT_LINK_TUNING);
    assert.deepEqual(parseLinkTuning(" keyframe-answer=off , tail-probe=off"), {
      ...DEFAULT_LINK_TUNING,
      keyframeAnswer: false,
      tailProbeMs: 0,
    });
    assert.equal(parseLinkTuning("tail-probe=60").tailProbeMs, 60);
    assert.equal(parseLinkTuning("fec=off").fec, false);
  });

  it("names the bad key or value", () => {
    assert.throws(() => parseLinkTuning("keyframe=off"), /JIOMOSA_LINK_TUNING: unknown key "keyframe"/);
    assert.throws(() => parseLinkTuning("fec=maybe"), /fec takes on or off, got "maybe"/);
    assert.throws(() => parseLinkTuning("tail-probe=-5"), /tail-probe takes off or 0–1000/);
  });

  it("strips RED, ULPFEC and RED's RTX from an offer, keeping VP8 and its RTX", () => {
    const sdp = stripFec(OFFER);
    assert.match(sdp, /^m=video 9 UDP\/TLS\/RTP\/SAVPF 96 97$/m);
    assert.doesNotMatch(sdp, /red|ulpfec|apt=125|:124 /);
    assert.match(sdp, /a=rtpmap:97 rtx\/90000\r\na=fmtp:97 apt=96/);
    assert.equal(stripFec("v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"), "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n");
  });

  it("puts the bitrate floor on each VP8 payload type of an answer, with or without an fmtp line", () => {
    const answer = [
      "m=video 9 UDP/TLS/RTP/SAVPF 96 98 97",
      "a=rtpmap:96 VP8/90000",
      "a=rtpmap:98 VP8/90000",
      "a=fmtp:98 x-google-min-bitrate=50;foo=1",
      "a=rtpmap:97 rtx/90000",
      "a=fmtp:97 apt=96",
      "",
    ].join("\r\n");
    const floored = withBitrateFloor(answer, 600).split("\r\n");
    assert.deepEqual(floored, [
      "m=video 9 UDP/TLS/RTP/SAVPF 96 98 97",
      "a=rtpmap:96 VP8/90000",
      "a=fmtp:96 x-google-min-bitrate=600;x-google-start-bitrate=600",
      "a=rtpmap:98 VP8/90000",
      "a=fmtp:98 foo=1;x-google-min-bitrate=600;x-google-start-bitrate=600",
      "a=rtpmap:97 rtx/90000",
      "a=fmtp:97 apt=96",
      "",
    ]);
    assert.equal(withBitrateFloor(answer, 0), answer);
    assert.equal(parseLinkTuning("min-bitrate=800").minBitrateKbps, 800);
    assert.throws(() => parseLinkTuning("min-bitrate=fast"), /min-bitrate takes off or 0–20000/);
  });
});
