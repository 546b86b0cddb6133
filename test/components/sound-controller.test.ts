import { expect } from "@esm-bundle/chai";
import type { ReactiveController, ReactiveControllerHost } from "lit";
import { SOUND_KEY, SoundController } from "../../viewer/src/sound/sound-controller.js";
import { SOUND_REFUSED_EVENT } from "../../viewer/src/input/input-event.js";
import { MemoryStorage } from "./session-fakes.js";

type Host = HTMLElement & ReactiveControllerHost & { updates: number; controllers: ReactiveController[] };

function pointer(type: string, pointerType: string): PointerEvent {
  return new PointerEvent(type, { pointerType, pointerId: 3, isPrimary: true, bubbles: true, composed: true, cancelable: true });
}

/** The controller on a bare host whose output is a real <video> playing a stream with (or without) sound. */
describe("SoundController", () => {
  let host: Host;
  let target: HTMLElement;
  let video: HTMLVideoElement;
  let audio: AudioContext;
  let stream: MediaStream | null;
  let storage: MemoryStorage;
  let activation: boolean;

  function create(): SoundController {
    const controller = new SoundController(host, {
      stream: () => stream,
      output: () => video,
      storage,
      hasActivation: () => activation,
    });
    controller.hostConnected();
    controller.hostUpdated();
    return controller;
  }

  beforeEach(() => {
    host = Object.assign(document.createElement("div"), {
      updates: 0,
      controllers: [] as ReactiveController[],
      addController(this: Host, controller: ReactiveController) {
        this.controllers.push(controller);
      },
      removeController: () => undefined,
      requestUpdate(this: Host) {
        this.updates += 1;
      },
      updateComplete: Promise.resolve(true),
    });
    target = document.createElement("div");
    host.append(target);
    document.body.append(host);
    audio = new AudioContext();
    stream = audio.createMediaStreamDestination().stream;
    video = document.createElement("video");
    video.muted = true;
    video.srcObject = stream;
    host.append(video);
    storage = new MemoryStorage();
    activation = true;
  });

  afterEach(async () => {
    for (const controller of host.controllers) controller.hostDisconnected?.();
    host.remove();
    await audio.close();
  });

  it("does nothing for a stream without sound", () => {
    stream = new MediaStream();
    const sound = create();
    expect(sound.available).to.equal(false);
    target.dispatchEvent(pointer("pointerdown", "mouse"));
    expect(video.muted).to.equal(true);
    expect(sound.muted).to.equal(true);
  });

  it("unmutes on the first mouse press, inside the event", () => {
    const sound = create();
    expect(sound.available).to.equal(true);
    expect(video.muted).to.equal(true);
    let mutedDuringEvent: boolean | null = null;
    target.addEventListener("pointerdown", () => (mutedDuringEvent = video.muted));
    target.dispatchEvent(pointer("pointerdown", "mouse"));
    expect(mutedDuringEvent).to.equal(false);
    expect(sound.muted).to.equal(false);
  });

  it("unmutes when a finger lifts, not when it lands (only the lift is a user activation)", () => {
    create();
    target.dispatchEvent(pointer("pointerdown", "touch"));
    expect(video.muted).to.equal(true);
    target.dispatchEvent(pointer("pointerup", "touch"));
    expect(video.muted).to.equal(false);
  });

  it("unmutes on a key press", () => {
    create();
    target.dispatchEvent(new KeyboardEvent("keydown", { key: "a", bubbles: true, composed: true }));
    expect(video.muted).to.equal(false);
  });

  it("stays muted for an event without the user's activation", () => {
    activation = false;
    create();
    target.dispatchEvent(pointer("pointerdown", "mouse"));
    expect(video.muted).to.equal(true);
  });

  it("leaves a press on the sound control to the control", async () => {
    create();
    const control = document.createElement("jiomosa-sound-control");
    host.append(control);
    await control.updateComplete;
    control.shadowRoot!.querySelector("button")!.dispatchEvent(pointer("pointerdown", "mouse"));
    expect(video.muted).to.equal(true);
  });

  it("remembers an explicit mute, and a later tap does not unmute", () => {
    let sound = create();
    target.dispatchEvent(pointer("pointerdown", "mouse"));
    sound.setMuted(true);
    expect(video.muted).to.equal(true);
    expect(JSON.parse(storage.getItem(SOUND_KEY)!)).to.deep.equal({ muted: true, volume: 1 });

    sound.hostDisconnected();
    video.muted = true;
    sound = create();
    sound.setPlaying(true);
    target.dispatchEvent(pointer("pointerdown", "mouse"));
    expect(video.muted).to.equal(true);
    expect(sound.needsTap).to.equal(false); // The user's choice: no "Tap for sound".

    sound.setMuted(false);
    expect(video.muted).to.equal(false);
    expect(JSON.parse(storage.getItem(SOUND_KEY)!)).to.deep.equal({ muted: false, volume: 1 });
  });

  it("unmutes from the control before any tap", () => {
    const sound = create();
    sound.setMuted(false);
    expect(video.muted).to.equal(false);
    expect(sound.muted).to.equal(false);
  });

  it("sets and remembers the volume, clamped to 0..1", () => {
    let sound = create();
    sound.setVolume(0.3);
    expect(video.volume).to.be.closeTo(0.3, 1e-6);
    sound.setVolume(7);
    expect(video.volume).to.equal(1);
    sound.setVolume(0.45);
    expect(JSON.parse(storage.getItem(SOUND_KEY)!)).to.deep.equal({ muted: false, volume: 0.45 });

    sound.hostDisconnected();
    video.volume = 1;
    sound = create();
    expect(sound.volume).to.equal(0.45);
    expect(video.volume).to.be.closeTo(0.45, 1e-6);
  });

  it("ignores a stored value it cannot read", () => {
    storage.setItem(SOUND_KEY, "{not json");
    const sound = create();
    expect([sound.volume, sound.muted]).to.deep.equal([1, true]);
    storage.setItem(SOUND_KEY, JSON.stringify({ muted: "yes", volume: "loud" }));
    const again = create();
    target.dispatchEvent(pointer("pointerdown", "mouse"));
    expect([again.volume, again.muted]).to.deep.equal([1, false]);
  });

  it("asks for a tap while the page plays sound that nobody hears", () => {
    const sound = create();
    expect(sound.needsTap).to.equal(false);
    const updates = host.updates;
    sound.setPlaying(true);
    expect(host.updates).to.be.greaterThan(updates);
    expect([sound.playing, sound.needsTap]).to.deep.equal([true, true]);
    sound.setPlaying(false);
    expect(sound.needsTap).to.equal(false);
    sound.setPlaying(true);
    target.dispatchEvent(pointer("pointerdown", "mouse"));
    expect([sound.playing, sound.needsTap]).to.deep.equal([true, false]);
    // A new input channel: the renderer tells again.
    sound.connectionOpened();
    expect(sound.playing).to.equal(false);
  });

  it("asks again when the browser refused to play with sound", () => {
    const sound = create();
    sound.setPlaying(true);
    target.dispatchEvent(pointer("pointerdown", "mouse"));
    expect(sound.needsTap).to.equal(false);
    target.dispatchEvent(new CustomEvent(SOUND_REFUSED_EVENT, { bubbles: true, composed: true }));
    expect([sound.muted, sound.needsTap]).to.deep.equal([true, true]);
    target.dispatchEvent(pointer("pointerdown", "mouse"));
    expect(video.muted).to.equal(false);
  });

  it("renders again when the renderer adds an audio track to the stream shown", () => {
    stream = new MediaStream();
    const sound = create();
    expect(sound.available).to.equal(false);
    const updates = host.updates;
    const track = audio.createMediaStreamDestination().stream.getAudioTracks()[0]!;
    // addtrack fires only for tracks the browser adds (a remote track); dispatch it as the peer would.
    stream.addTrack(track);
    stream.dispatchEvent(new MediaStreamTrackEvent("addtrack", { track }));
    expect(host.updates).to.be.greaterThan(updates);
    expect(sound.available).to.equal(true);
  });
});
