import { expect } from "@esm-bundle/chai";
import { MAX_VISIBLE_NOTICES, PAGE_NOTICE_DURATION_MS, RemotePage } from "../../viewer/src/session-view/remote-page.js";
import { FakeHost, ManualTimers } from "./session-fakes.js";

describe("RemotePage", () => {
  let host: FakeHost;
  let timers: ManualTimers;
  let remote: RemotePage;

  beforeEach(() => {
    host = new FakeHost();
    timers = new ManualTimers();
    remote = new RemotePage(host, timers);
  });

  it("keeps a notice for a few seconds, and only the newest few", () => {
    remote.apply({ type: "notice", code: "download_refused", message: "one" });
    timers.advance(PAGE_NOTICE_DURATION_MS - 1);
    expect(remote.notices.map((n) => n.message)).to.deep.equal(["one"]);
    timers.advance(1);
    expect(remote.notices).to.deep.equal([]);

    for (const message of ["a", "b", "c", "d"]) remote.apply({ type: "notice", code: "url_not_allowed", message });
    expect(MAX_VISIBLE_NOTICES).to.equal(3);
    expect(remote.notices.map((n) => [n.code, n.message])).to.deep.equal([
      ["url_not_allowed", "b"],
      ["url_not_allowed", "c"],
      ["url_not_allowed", "d"],
    ]);
    timers.advance(PAGE_NOTICE_DURATION_MS);
    expect(remote.notices).to.deep.equal([]);
    expect(timers.delays).to.deep.equal([]);
  });

  it("queues dialogs once each and forgets what the user answered", () => {
    const d1 = { type: "dialog", id: "d1", kind: "alert", message: "x" } as const;
    const d2 = { type: "dialog", id: "d2", kind: "confirm", message: "y" } as const;
    remote.apply(d1);
    remote.apply(d2);
    remote.apply(d1); // Repeated by a rejoin.
    expect(remote.dialogs.map((d) => d.id)).to.deep.equal(["d1", "d2"]);
    remote.answered({ type: "dialog-answer", id: "d1", accept: true });
    expect(remote.dialogs.map((d) => d.id)).to.deep.equal(["d2"]);

    remote.apply({ type: "select-open", id: "f1-s1", multiple: false, options: [] });
    remote.answered({ type: "select-answer", id: "other", indexes: null });
    expect(remote.select?.id).to.equal("f1-s1");
    remote.answered({ type: "select-answer", id: "f1-s1", indexes: [0] });
    expect(remote.select).to.equal(null);
  });

  it("forgets the focus and the dialogs when a new channel opens (the renderer sends them again)", () => {
    remote.apply({ type: "focus", editable: true, inputType: "text" });
    remote.apply({ type: "dialog", id: "d1", kind: "alert", message: "x" });
    remote.apply({ type: "select-open", id: "f1-s1", multiple: false, options: [] });
    remote.connectionOpened();
    expect(remote.focus.editable).to.equal(false);
    expect(remote.dialogs).to.deep.equal([]);
    expect(remote.select?.id).to.equal("f1-s1");
  });
});
