/**
 * The remote page's sound on this tablet. The stream carries an audio track only for a kiosk
 * with sound; the video starts muted so it may autoplay, and mobile browsers let it make sound
 * only from a user's gesture. So the first tap or key press anywhere in the host unmutes it,
 * inside that event, unless the user muted it on purpose (remembered in localStorage with the
 * volume). The renderer's `audio` event says whether the page plays sound right now: with sound
 * playing and no tap yet, the control asks for one.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import { browserStore, type KeyValueStore } from "../connection/session-memory.js";
import { SOUND_CONTROL_TAG } from "./sound-control.js";
import { SOUND_REFUSED_EVENT } from "../input/input-event.js";

/** localStorage key of the user's sound choice: `{"muted":boolean,"volume":number}`. */
export const SOUND_KEY = "jiomosa.sound";
const DEFAULT_VOLUME = 1;

/** Where the sound goes: the stream view (or, in tests, a bare <video>). */
export interface SoundOutput {
  muted: boolean;
  volume: number;
}

export interface SoundControllerOptions {
  /** The session's stream; its audio tracks decide whether there is sound at all. */
  stream: () => MediaStream | null;
  output: () => SoundOutput | null;
  /** Where the user's choice is remembered; localStorage by default, null for nowhere. */
  storage?: KeyValueStore | null;
  /** Whether the event being handled carries the user's activation; `navigator.userActivation` by default. */
  hasActivation?: () => boolean;
}

/**
 * The events that give a page the user's activation (HTML's "activation triggering input
 * events"). A finger activates on lifting, not on touching: unmuting on a touch pointerdown
 * would be refused (Chrome then pauses the video).
 */
function isActivationEvent(e: Event): boolean {
  switch (e.type) {
    case "keydown":
    case "touchend":
      return true;
    case "pointerdown":
      return (e as PointerEvent).pointerType === "mouse";
    case "pointerup":
      return (e as PointerEvent).pointerType !== "mouse";
    default:
      return false;
  }
}
const GESTURE_EVENTS = ["pointerdown", "pointerup", "touchend", "keydown"] as const;

function browserActivation(): boolean {
  // Without the API (older Safari and WebViews) the event type is all there is to go by.
  return (globalThis.navigator as Navigator & { userActivation?: { isActive: boolean } }).userActivation?.isActive ?? true;
}

export class SoundController implements ReactiveController {
  private readonly host: ReactiveControllerHost & HTMLElement;
  private readonly stream: () => MediaStream | null;
  private readonly output: () => SoundOutput | null;
  private readonly store: KeyValueStore | null;
  private readonly hasActivation: () => boolean;

  /** The user muted on purpose; no gesture unmutes then, only the control. */
  private chosenMuted = false;
  private volumeValue = DEFAULT_VOLUME;
  /** A gesture (or the control) allowed sound since the viewer opened. */
  private unlocked = false;
  private playingValue = false;
  private watched: MediaStream | null = null;

  constructor(host: ReactiveControllerHost & HTMLElement, options: SoundControllerOptions) {
    this.host = host;
    this.stream = options.stream;
    this.output = options.output;
    this.store = options.storage === undefined ? browserStore() : options.storage;
    this.hasActivation = options.hasActivation ?? browserActivation;
    this.load();
    host.addController(this);
  }

  /** The stream has an audio track: the page's sound can reach this tablet. */
  get available(): boolean {
    return (this.stream()?.getAudioTracks().length ?? 0) > 0;
  }
  /** Whether the sound is off now: by the user's choice, or because no gesture allowed it yet. */
  get muted(): boolean {
    return this.chosenMuted || !this.unlocked;
  }
  get volume(): number {
    return this.volumeValue;
  }
  /** The page plays sound right now (the renderer's `audio` event). */
  get playing(): boolean {
    return this.playingValue;
  }
  /** The page plays sound the user cannot hear only because they have not tapped yet. */
  get needsTap(): boolean {
    return this.available && this.playingValue && !this.unlocked && !this.chosenMuted;
  }

  hostConnected(): void {
    for (const type of GESTURE_EVENTS) this.host.addEventListener(type, this.onGesture, true);
    this.host.addEventListener(SOUND_REFUSED_EVENT, this.onRefused);
  }

  hostDisconnected(): void {
    for (const type of GESTURE_EVENTS) this.host.removeEventListener(type, this.onGesture, true);
    this.host.removeEventListener(SOUND_REFUSED_EVENT, this.onRefused);
    this.watch(null);
  }

  hostUpdated(): void {
    this.watch(this.stream());
    this.apply();
  }

  /** The renderer's `audio` event. */
  setPlaying(playing: boolean): void {
    if (playing === this.playingValue) return;
    this.playingValue = playing;
    this.host.requestUpdate();
  }

  /** A new input channel: the renderer says again whether the page plays sound. */
  connectionOpened(): void {
    this.setPlaying(false);
  }

  /** The user's choice from the control; call it inside the click so an unmute is allowed. */
  setMuted(muted: boolean): void {
    this.chosenMuted = muted;
    this.unlocked = true;
    this.save();
    this.apply();
    this.host.requestUpdate();
  }

  setVolume(volume: number): void {
    this.volumeValue = clampVolume(volume);
    this.save();
    this.apply();
    this.host.requestUpdate();
  }

  private apply(): void {
    const output = this.output();
    if (!output) return;
    output.volume = this.volumeValue;
    output.muted = this.muted;
  }

  private readonly onGesture = (e: Event): void => {
    if (this.unlocked || !this.available || !isActivationEvent(e) || !this.hasActivation()) return;
    // A press on the control itself does what the control says (a first tap on "mute" must not unmute).
    if (e.composedPath().some((target) => (target as Element).localName === SOUND_CONTROL_TAG)) return;
    this.unlocked = true;
    this.apply(); // Now, inside the event: later would be outside the gesture.
    this.host.requestUpdate();
  };

  private readonly onRefused = (): void => {
    this.unlocked = false;
    this.host.requestUpdate();
  };

  /** Renders again when the renderer adds or drops the audio track of a stream already shown. */
  private watch(stream: MediaStream | null): void {
    if (stream === this.watched) return;
    this.watched?.removeEventListener("addtrack", this.onTracks);
    this.watched?.removeEventListener("removetrack", this.onTracks);
    this.watched = stream;
    stream?.addEventListener("addtrack", this.onTracks);
    stream?.addEventListener("removetrack", this.onTracks);
  }

  private readonly onTracks = (): void => this.host.requestUpdate();

  private load(): void {
    let raw: string | null = null;
    try {
      raw = this.store?.getItem(SOUND_KEY) ?? null;
    } catch {
      return;
    }
    if (!raw) return;
    try {
      const value = JSON.parse(raw) as unknown;
      if (typeof value !== "object" || value === null) return;
      const { muted, volume } = value as Record<string, unknown>;
      if (typeof muted === "boolean") this.chosenMuted = muted;
      if (typeof volume === "number") this.volumeValue = clampVolume(volume);
    } catch {
      // A value this version cannot read: the defaults.
    }
  }

  private save(): void {
    try {
      this.store?.setItem(SOUND_KEY, JSON.stringify({ muted: this.chosenMuted, volume: this.volumeValue }));
    } catch {
      // Quota or private mode: the choice lasts until the viewer closes.
    }
  }
}

function clampVolume(volume: number): number {
  return Number.isFinite(volume) ? Math.min(1, Math.max(0, volume)) : DEFAULT_VOLUME;
}
