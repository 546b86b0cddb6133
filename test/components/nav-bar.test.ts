import { expect } from "@esm-bundle/chai";
import { html, render } from "lit";
import type { InputMessage, PageEvent } from "../../protocol/index.js";
import { NAV_BAR_HEIGHT_PX, navBarStyles, renderNavBar } from "../../viewer/src/session-view/nav-bar.js";

const PAGE: PageEvent = {
  type: "page",
  url: "http://example.test/list",
  title: "A long list",
  loading: false,
  canGoBack: true,
  canGoForward: false,
};

/** The bar as the viewer renders it: into a shadow root that has its styles. */
describe("navigation bar", () => {
  let host: HTMLElement;
  let root: ShadowRoot;
  let received: InputMessage[];
  const onInput = (e: CustomEvent<InputMessage>) => received.push(e.detail);
  const show = (page: PageEvent | null, start: unknown = null) => render(renderNavBar({ page, start, onInput }), root);
  const button = (action: string) => root.querySelector<HTMLButtonElement>(`nav.nav-bar button[data-action="${action}"]`)!;

  beforeEach(() => {
    received = [];
    host = document.createElement("div");
    host.style.cssText = "position:fixed;left:0;top:0;width:700px";
    document.body.append(host);
    root = host.attachShadow({ mode: "open" });
    root.adoptedStyleSheets = [navBarStyles.styleSheet!];
  });

  afterEach(() => host.remove());

  it("disables back and forward until the page says where it can go", () => {
    show(null);
    expect(button("back").disabled).to.equal(true);
    expect(button("forward").disabled).to.equal(true);
    expect(button("reload").disabled).to.equal(false);
    expect(button("home").disabled).to.equal(false);
    show(PAGE);
    expect(button("back").disabled).to.equal(false);
    expect(button("forward").disabled).to.equal(true);
    show({ ...PAGE, canGoBack: false, canGoForward: true });
    expect(button("back").disabled).to.equal(true);
    expect(button("forward").disabled).to.equal(false);
    expect(root.querySelector("nav.nav-bar")!.getBoundingClientRect().height).to.equal(NAV_BAR_HEIGHT_PX);
  });

  it("sends navigate for each button, bubbling out of the shadow root", () => {
    const bubbled: InputMessage[] = [];
    host.addEventListener("jiomosa-input", (e) => bubbled.push(e.detail));
    show({ ...PAGE, canGoForward: true });
    for (const action of ["back", "forward", "reload", "home"]) button(action).click();
    const expected = [
      { type: "navigate", action: "back" },
      { type: "navigate", action: "forward" },
      { type: "navigate", action: "reload" },
      { type: "navigate", action: "home" },
    ];
    expect(received).to.deep.equal(expected);
    expect(bubbled).to.deep.equal(expected);
  });

  it("sends nothing for a disabled button", () => {
    show({ ...PAGE, canGoBack: false });
    button("back").click();
    expect(received).to.deep.equal([]);
  });

  it("shows the title (or the URL) and whether the page is loading", () => {
    const progress = () => root.querySelector<HTMLElement>("nav.nav-bar .progress")!;
    show(null);
    expect(progress().dataset.loading).to.equal("false");
    show({ ...PAGE, loading: true });
    expect(root.querySelector("nav.nav-bar .title")!.textContent).to.equal("A long list");
    expect(progress().dataset.loading).to.equal("true");
    show({ ...PAGE, title: "", loading: false });
    expect(root.querySelector("nav.nav-bar .title")!.textContent).to.equal("http://example.test/list");
    expect(progress().dataset.loading).to.equal("false");
  });

  it("puts the start content (the exit button) first", () => {
    show(PAGE, html`<button class="home">x</button>`);
    const exit = root.querySelector("nav.nav-bar > button.home")!;
    expect(exit.getBoundingClientRect().right).to.be.at.most(button("back").getBoundingClientRect().left);
  });
});
