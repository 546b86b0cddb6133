/**
 * The page bridge's navigation state and its listeners, on a stand-in page whose reads finish
 * when the test says: the order in which Chromium's reads resolve is what the bug was about.
 */
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { describe, it } from "node:test";
import type { BrowserContext, CDPSession, Page } from "playwright-core";
import type { ChannelEvent, PageEvent } from "../../protocol/index.js";
import { createLogger } from "../../renderer/log.js";
import { PageBridge } from "../../renderer/page/page-bridge.js";

const HISTORY = { currentIndex: 0, entries: [{}] };

/** A page whose navigation-history reads stay pending until released, in any order. */
class StandInPage extends EventEmitter {
  readonly frame = {};
  readonly pendingReads: Array<() => void> = [];
  mainFrame() {
    return this.frame;
  }
  url() {
    return "http://10.0.0.5/todo";
  }
  async title() {
    return "TodoMVC";
  }
  async exposeBinding() {}
  async addInitScript() {}
  cdp = {
    send: () => new Promise((resolve) => this.pendingReads.push(() => resolve(HISTORY))),
  };
}

function bridgeOn(page: StandInPage) {
  const events: ChannelEvent[] = [];
  const context = new EventEmitter();
  const bridge = new PageBridge({
    context: context as unknown as BrowserContext,
    page: page as unknown as Page,
    cdp: page.cdp as unknown as CDPSession,
    log: createLogger("silent"),
    emit: (event) => events.push(event),
    checkUrl: async () => null,
    homeUrl: "http://10.0.0.5/",
  });
  return { bridge, context, events };
}

const pageStates = (events: ChannelEvent[]) => events.filter((e): e is PageEvent => e.type === "page");
/** Lets the bridge's pending awaits run after a read was released. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("PageBridge", () => {
  it("a fast page ends not loading even when the navigation's read finishes after the load's", async () => {
    const page = new StandInPage();
    const { bridge, events } = bridgeOn(page);
    await bridge.start();
    page.emit("framenavigated", page.frame);
    page.emit("load");
    assert.equal(page.pendingReads.length, 2);
    page.pendingReads[1]();
    await settle();
    page.pendingReads[0]();
    await settle();
    const states = pageStates(events);
    assert.ok(states.length > 0, "the state was sent");
    assert.equal(states.at(-1)!.loading, false);
    assert.equal(states.at(-1)!.title, "TodoMVC");
    assert.equal(pageStates(bridge.snapshot()).at(-1)!.loading, false, "a viewer joining later sees it loaded too");
  });

  it("reads finishing in event order give the same end state", async () => {
    const page = new StandInPage();
    const { bridge, events } = bridgeOn(page);
    await bridge.start();
    page.emit("framenavigated", page.frame);
    page.emit("load");
    page.pendingReads[0]();
    await settle();
    page.pendingReads[1]();
    await settle();
    assert.equal(pageStates(events).at(-1)!.loading, false);
  });

  it("a navigation request after the load shows loading again", async () => {
    const page = new StandInPage();
    const { bridge, events } = bridgeOn(page);
    await bridge.start();
    page.emit("load");
    page.emit("request", { isNavigationRequest: () => true, frame: () => page.frame });
    page.emit("framenavigated", page.frame);
    page.pendingReads[1]();
    await settle();
    page.pendingReads[0]();
    await settle();
    assert.equal(pageStates(events).at(-1)!.loading, true);
  });

  it("a same-document navigation after the load (a router setting the hash) leaves it loaded", async () => {
    const page = new StandInPage();
    const { bridge, events } = bridgeOn(page);
    await bridge.start();
    page.emit("request", { isNavigationRequest: () => true, frame: () => page.frame });
    page.emit("framenavigated", page.frame);
    page.emit("load");
    page.emit("framenavigated", page.frame);
    page.pendingReads.forEach((release) => release());
    await settle();
    assert.equal(pageStates(events).at(-1)!.loading, false);
  });

  it("after close, page and context events no longer reach it", async () => {
    const page = new StandInPage();
    const { bridge, context, events } = bridgeOn(page);
    await bridge.start();
    const names = ["dialog", "filechooser", "download", "request", "framenavigated", "load"];
    assert.ok(
      names.every((name) => page.listenerCount(name) === 1),
      "one listener per page event while open",
    );
    assert.equal(context.listenerCount("page"), 1);
    bridge.close();
    bridge.close();
    for (const name of names) assert.equal(page.listenerCount(name), 0, `${name} listener removed`);
    assert.equal(context.listenerCount("page"), 0);
    page.emit("filechooser");
    page.emit("framenavigated", page.frame);
    page.emit("load");
    assert.equal(page.pendingReads.length, 0);
    assert.deepEqual(events, []);
  });
});
