import { expect } from "@esm-bundle/chai";
import type { ReactiveControllerHost } from "lit";
import { KioskMode, type WakeLockLike } from "../../viewer/src/session-view/kiosk-mode.js";
import { FakeDocument, settle } from "./session-fakes.js";

/** navigator.wakeLock with sentinels the test can release, as the browser does when the page hides. */
class FakeWakeLock implements WakeLockLike {
  requests = 0;
  readonly held = new Set<EventTarget>();
  async request(): Promise<{ release(): Promise<void>; addEventListener(type: "release", listener: () => void): void }> {
    this.requests += 1;
    const sentinel = new EventTarget();
    this.held.add(sentinel);
    return Object.assign(sentinel, {
      release: async () => {
        if (this.held.delete(sentinel)) sentinel.dispatchEvent(new Event("release"));
      },
    });
  }
  /** The browser drops every lock of a hidden page. */
  dropAll(): void {
    for (const sentinel of [...this.held]) {
      this.held.delete(sentinel);
      sentinel.dispatchEvent(new Event("release"));
    }
  }
}

class FullscreenDocument extends FakeDocument {
  fullscreenElement: Element | null = null;
  fullscreenRequests = 0;
  refuse = false;
  readonly documentElement = {
    requestFullscreen: async () => {
      this.fullscreenRequests += 1;
      if (this.refuse) throw new TypeError("Permissions check failed");
      this.fullscreenElement = document.documentElement;
    },
  };
}

describe("KioskMode", () => {
  let host: HTMLElement & ReactiveControllerHost;
  let wakeLock: FakeWakeLock;
  let doc: FullscreenDocument;
  let kiosk: KioskMode;

  beforeEach(() => {
    host = Object.assign(document.createElement("div"), {
      addController: () => undefined,
      removeController: () => undefined,
      requestUpdate: () => undefined,
      updateComplete: Promise.resolve(true),
    });
    document.body.append(host);
    wakeLock = new FakeWakeLock();
    doc = new FullscreenDocument();
    kiosk = new KioskMode(host, { wakeLock: () => wakeLock, document: doc as unknown as Document });
  });

  afterEach(() => {
    kiosk.hostDisconnected();
    host.remove();
  });

  const tap = (pointerType = "touch") => host.dispatchEvent(new PointerEvent("pointerup", { pointerType, bubbles: true }));

  it("keeps the screen on while viewing, again after the page was hidden, and lets go on leaving", async () => {
    kiosk.hostConnected();
    await settle();
    expect(wakeLock.held.size).to.equal(1);
    expect(kiosk.screenKeptOn).to.equal(true);

    doc.setVisibility("hidden");
    wakeLock.dropAll();
    expect(kiosk.screenKeptOn).to.equal(false);
    doc.setVisibility("visible");
    await settle();
    expect(wakeLock.requests).to.equal(2);
    expect(wakeLock.held.size).to.equal(1);

    kiosk.hostDisconnected();
    await settle();
    expect(wakeLock.held.size).to.equal(0);
  });

  it("goes full screen on the first tap, once; a refused request is tried again on the next tap", async () => {
    kiosk.hostConnected();
    tap("mouse"); // A desk computer is no kiosk.
    expect(doc.fullscreenRequests).to.equal(0);
    doc.refuse = true;
    tap();
    await settle();
    expect(doc.fullscreenRequests).to.equal(1);
    doc.refuse = false;
    tap();
    await settle();
    expect(doc.fullscreenRequests).to.equal(2);
    doc.fullscreenElement = null; // The user left full screen: that is their choice.
    tap();
    await settle();
    expect(doc.fullscreenRequests).to.equal(2);
  });
});
