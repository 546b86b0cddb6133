/**
 * Page sound: a kiosk's tone reaches its own tablet's audio track and no other; a silent kiosk
 * gets no track and no browser of its own; parts that die come back; closing a session leaves no
 * sink, capture process or browser behind. Real PulseAudio, real Chromium on both ends.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { dirname } from "node:path";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { useAppliance } from "../support/appliance.js";
import { listen, spectrum, waitForTone } from "../support/audio-probe.js";
import { testConfig, toneKiosk } from "../support/config.js";
import { chromiumBrowserPids, commandLine, descendantsNamed } from "../support/proc.js";
import { framesDuring, openStream, waitForChannel } from "../support/stream-client.js";
import { waitFor } from "../support/wait.js";

const ADMIN = "admin-token-0123456789abcdef";
const app = useAppliance({
  config: (origin) =>
    testConfig(origin, {
      sessionsMax: 8,
      extraKiosks: [
        toneKiosk(origin, { id: "tone-440", title: "Tone 440" }),
        toneKiosk(origin, { id: "tone-880", title: "Tone 880", freq: 880 }),
        toneKiosk(origin, { id: "tone-silent", title: "Tone without sound", audio: false }),
      ].join(""),
      extra: `auth: { adminToken: ${ADMIN} }`,
    }),
  client: true,
});

interface AudioInfo {
  available: boolean;
  codec: string;
  sessions: number;
  sinks: number;
  captures: number;
  browsers: number;
}

async function audioInfo(): Promise<AudioInfo> {
  const info = (await (await fetch(`${app.renderer.url}/api/info`)).json()) as { webrtc: { audio: AudioInfo } };
  const { available, codec, sessions, sinks, captures, browsers } = info.webrtc.audio;
  return { available, codec, sessions, sinks, captures, browsers };
}

/** The sinks that exist in the renderer's own PulseAudio (found through its command line). */
function sinkNames(): string[] {
  const [daemon] = descendantsNamed(app.renderer.child.pid!, "pulseaudio");
  assert.ok(daemon, "the renderer runs a PulseAudio daemon");
  const script = /-F (\S+)/.exec(commandLine(daemon))?.[1];
  assert.ok(script, "the daemon's script is on its command line");
  const out = execFileSync("pactl", ["list", "short", "sinks"], {
    env: { ...process.env, PULSE_SERVER: `unix:${dirname(script)}/native` },
  }).toString();
  return out
    .split("\n")
    .map((line) => line.split("\t")[1])
    .filter((name): name is string => Boolean(name));
}

async function viewer(kiosk: string): Promise<{ page: Page; id: string }> {
  const page = await app.client.newPage();
  const id = await openStream(page, app.renderer.url, kiosk);
  await waitForChannel(page);
  await page.waitForFunction(() => (window as unknown as { __stream: { frames: number } }).__stream.frames > 0, undefined, {
    timeout: 30_000,
  });
  return { page, id };
}

const sessionIds: string[] = [];

test("a kiosk's 440 Hz tone reaches its tablet as an Opus track in the video's stream", async (t) => {
  const shared = chromiumBrowserPids(app.renderer.child.pid!).length;
  const { page, id } = await viewer("tone-440");
  sessionIds.push(id);
  assert.equal(await listen(page), 1, "the MediaStream carries one audio track beside the video");
  const heard = await waitForTone(page, 440, [880]);
  t.diagnostic(`peak ${heard.peakHz?.toFixed(1)} Hz at ${heard.peakDb?.toFixed(1)} dB; 880 Hz at ${heard.levels[880]?.toFixed(1)} dB`);
  assert.ok(heard.levels[440] - heard.levels[880] > 20, "the tone is pure: 880 Hz is far below 440 Hz");
  const codec = await page.evaluate(async () => {
    const stats = await (window as unknown as { __stream: { pc: RTCPeerConnection } }).__stream.pc.getStats();
    let mime = "";
    stats.forEach((s) => {
      if (s.type === "codec" && /audio/.test(s.mimeType)) mime = s.mimeType;
    });
    return mime;
  });
  assert.equal(codec.toLowerCase(), "audio/opus");
  assert.equal(chromiumBrowserPids(app.renderer.child.pid!).length, shared + 1, "the sound session runs in a Chromium of its own");
  assert.deepEqual(await audioInfo(), { available: true, codec: "opus", sessions: 1, sinks: 1, captures: 1, browsers: 1 });
  assert.ok(
    sinkNames().some((name) => name.startsWith("jiomosa_session_")),
    "its null sink exists",
  );
  await page.close();
});

test("two sessions playing 440 Hz and 880 Hz at once each hear only their own tone", async (t) => {
  const a = await viewer("tone-440");
  const b = await viewer("tone-880");
  sessionIds.push(a.id, b.id);
  await listen(a.page);
  await listen(b.page);
  const heardA = await waitForTone(a.page, 440, [880]);
  const heardB = await waitForTone(b.page, 880, [440]);
  t.diagnostic(
    `A: 440 Hz ${heardA.levels[440].toFixed(1)} dB, 880 Hz ${heardA.levels[880].toFixed(1)} dB; B: 880 Hz ${heardB.levels[880].toFixed(1)} dB, 440 Hz ${heardB.levels[440].toFixed(1)} dB`,
  );
  assert.ok(heardA.levels[440] - heardA.levels[880] > 20, "A does not hear B's 880 Hz");
  assert.ok(heardB.levels[880] - heardB.levels[440] > 20, "B does not hear A's 440 Hz");
  await a.page.close();
  await b.page.close();
});

test("a kiosk with audio: false gets no audio track and no browser of its own", async () => {
  const before = chromiumBrowserPids(app.renderer.child.pid!).length;
  const countsBefore = await audioInfo();
  const { page, id } = await viewer("tone-silent");
  sessionIds.push(id);
  assert.equal(await listen(page), 0, "no audio track in the stream");
  const sdp = await page.evaluate(
    () => (window as unknown as { __stream: { pc: RTCPeerConnection } }).__stream.pc.remoteDescription?.sdp ?? "",
  );
  assert.doesNotMatch(sdp, /^m=audio/m, "the offer has no audio section");
  assert.equal(chromiumBrowserPids(app.renderer.child.pid!).length, before, "no extra Chromium");
  const counts = await audioInfo();
  assert.equal(counts.sessions, countsBefore.sessions, "not counted as a sound session");
  assert.equal(counts.sinks, countsBefore.sinks);
  assert.ok((await spectrum(page, [440])).peakHz === null);
  await page.close();
});

test("a dead capture process and a dead session browser come back, and so does the sound", async (t) => {
  const { page, id } = await viewer("tone-440");
  sessionIds.push(id);
  await listen(page);
  await waitForTone(page, 440);

  const before = descendantsNamed(app.renderer.child.pid!, "parec");
  assert.ok(before.length >= 1);
  for (const pid of before) process.kill(pid, "SIGKILL");
  const killedAt = Date.now();
  await waitFor(
    () => descendantsNamed(app.renderer.child.pid!, "parec").filter((pid) => !before.includes(pid)).length >= before.length,
    "parec restarted",
  );
  await page.waitForTimeout(1000);
  await waitForTone(page, 440);
  t.diagnostic(`capture killed → tone heard again after ${Date.now() - killedAt} ms`);

  // Kill the newest Chromium: the one this session's sound browser started last.
  const browsers = chromiumBrowserPids(app.renderer.child.pid!);
  const victim = browsers[browsers.length - 1];
  process.kill(victim, "SIGKILL");
  const browserKilledAt = Date.now();
  await waitFor(
    () =>
      !chromiumBrowserPids(app.renderer.child.pid!).includes(victim) &&
      chromiumBrowserPids(app.renderer.child.pid!).length === browsers.length,
    "a Chromium replaced the killed one",
  );
  await waitFor(async () => (await framesDuring(page, 1000)) > 0, "frames resume");
  await waitForTone(page, 440);
  t.diagnostic(`a session browser killed → tone heard again after ${Date.now() - browserKilledAt} ms`);
  const info = await audioInfo();
  assert.equal(info.browsers, info.sessions, "every sound session has its browser again");
  assert.equal(info.captures, info.sessions);
  await page.close();
});

test("PulseAudio killed: it is restarted and every sound session is set up again", async (t) => {
  const { page, id } = await viewer("tone-880");
  sessionIds.push(id);
  await listen(page);
  await waitForTone(page, 880);
  const [daemon] = descendantsNamed(app.renderer.child.pid!, "pulseaudio");
  assert.ok(daemon);
  process.kill(daemon, "SIGKILL");
  const killedAt = Date.now();
  await waitFor(() => descendantsNamed(app.renderer.child.pid!, "pulseaudio").some((pid) => pid !== daemon), "a new PulseAudio daemon");
  await waitForTone(page, 880, [], 45_000);
  t.diagnostic(`PulseAudio killed → tone heard again after ${Date.now() - killedAt} ms`);
  await waitFor(async () => {
    const info = await audioInfo();
    return info.sinks === info.sessions && info.captures === info.sessions && info.browsers === info.sessions;
  }, "every sound session has its sink, capture and browser again");
  await page.close();
});

test("in the viewer a sound kiosk shows the sound control; the first tap unmutes, the speaker mutes again", async () => {
  const page = await app.client.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${app.renderer.url}/viewer?kiosk=tone-440`);
  const control = page.locator('[data-testid="sound-control"]');
  await control.waitFor({ timeout: 30_000 });
  const videoMuted = () =>
    page.evaluate(
      () =>
        document.querySelector("jiomosa-viewer")!.shadowRoot!.querySelector("jiomosa-stream-view")!.shadowRoot!.querySelector("video")!
          .muted,
    );
  assert.equal(await videoMuted(), true, "the picture starts muted (autoplay rules)");
  // The tone plays from load: the renderer says so, and the viewer asks for a tap.
  await page.waitForFunction(
    () => document.querySelector("jiomosa-viewer")!.shadowRoot!.querySelector('[data-testid="sound-control"]')!.hasAttribute("playing"),
    undefined,
    { timeout: 20_000 },
  );
  await page.locator('[data-testid="sound-hint"]').waitFor({ state: "visible", timeout: 10_000 });
  const box = (await page.locator("jiomosa-stream-view").boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForFunction(
    () =>
      !document.querySelector("jiomosa-viewer")!.shadowRoot!.querySelector("jiomosa-stream-view")!.shadowRoot!.querySelector("video")!
        .muted,
    undefined,
    { timeout: 10_000 },
  );
  await page.locator('[data-testid="sound-hint"]').waitFor({ state: "hidden", timeout: 10_000 });
  const toggle = page.locator('[data-testid="sound-toggle"]');
  assert.equal(await toggle.getAttribute("aria-pressed"), "false");
  await toggle.click();
  assert.equal(await toggle.getAttribute("aria-pressed"), "true");
  assert.equal(await videoMuted(), true, "the speaker button mutes");
  await page.close();
});

test("closing the sessions leaves no sink, capture process or browser behind", async () => {
  // The operator closes them: sessions opened in the viewer belong to its tablet, so a script needs the admin token.
  const headers = { authorization: `Bearer ${ADMIN}` };
  const listed = (await (await fetch(`${app.renderer.url}/api/admin/sessions`, { headers })).json()) as {
    sessions: { session_id: string }[];
  };
  for (const id of new Set([...sessionIds, ...listed.sessions.map((s) => s.session_id)])) {
    const res = await fetch(`${app.renderer.url}/api/session/${id}`, { method: "DELETE", headers });
    assert.ok(res.status === 200 || res.status === 404, `DELETE ${id}: ${res.status}`);
  }
  await waitFor(async () => (await audioInfo()).sessions === 0, "no sound session counted");
  assert.deepEqual(await audioInfo(), { available: true, codec: "opus", sessions: 0, sinks: 0, captures: 0, browsers: 0 });
  assert.deepEqual(sinkNames(), ["jiomosa_discard"], "only the daemon's discard sink is left");
  assert.deepEqual(descendantsNamed(app.renderer.child.pid!, "parec"), [], "no capture process");
  assert.equal(chromiumBrowserPids(app.renderer.child.pid!).length, 1, "only the shared Chromium is left");
});
