import { expect } from "@esm-bundle/chai";
import "../../viewer/src/launcher/launcher.js";
import type { JiomosaLauncher } from "../../viewer/src/launcher/launcher.js";
import { waitFor } from "./session-fakes.js";

const realFetch = window.fetch.bind(window);

function stubFetch(status: number, body: unknown): string[] {
  const requested: string[] = [];
  window.fetch = async (input: RequestInfo | URL) => {
    requested.push(String(input instanceof Request ? input.url : input));
    return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  };
  return requested;
}

describe("<jiomosa-launcher>", () => {
  let launcher: JiomosaLauncher;

  afterEach(() => {
    launcher?.remove();
    window.fetch = realFetch;
  });

  it("renders one tile per kiosk in configuration order", async () => {
    const requested = stubFetch(200, {
      success: true,
      kiosks: [
        { id: "clock", title: "Wall Clock", url: "http://example.test/clock" },
        {
          id: "weather-now",
          title: "Weather",
          url: "http://example.test/weather",
          icon: "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7",
        },
        { id: "news", title: "news desk", url: "http://example.test/news", icon: "📰" },
      ],
    });
    launcher = document.createElement("jiomosa-launcher");
    document.body.append(launcher);

    const tiles = await waitFor(() => {
      const found = launcher.shadowRoot?.querySelectorAll<HTMLAnchorElement>("a.tile");
      return found && found.length > 0 ? [...found] : null;
    }, "tiles");

    expect(requested).to.have.length(1);
    expect(new URL(requested[0]!, location.href).pathname).to.equal("/api/kiosks");
    expect(tiles.map((t) => t.querySelector(".title")?.textContent)).to.deep.equal(["Wall Clock", "Weather", "news desk"]);
    expect(tiles.map((t) => t.getAttribute("href"))).to.deep.equal([
      "/viewer?kiosk=clock",
      "/viewer?kiosk=weather-now",
      "/viewer?kiosk=news",
    ]);
    // No icon: a letter badge; an image icon: an <img>; an emoji icon: the emoji.
    expect(tiles[0]!.querySelector(".badge")?.textContent).to.equal("W");
    // A valid image: a broken one would be swapped for the letter badge as soon as it fails to decode.
    expect(tiles[1]!.querySelector("img")?.getAttribute("src")).to.match(/^data:image\/gif/);
    expect(tiles[2]!.querySelector(".glyph")?.textContent).to.equal("📰");
    expect(launcher.shadowRoot?.querySelector("[role=status]")).to.equal(null);
  });

  it("shows the server's error message", async () => {
    stubFetch(503, { error: { code: "unavailable", message: "Renderer is still starting" }, detail: "Renderer is still starting" });
    launcher = document.createElement("jiomosa-launcher");
    document.body.append(launcher);

    const alert = await waitFor(() => launcher.shadowRoot?.querySelector("[role=alert]"), "the error");
    expect(alert.textContent).to.contain("Renderer is still starting");
    expect(launcher.shadowRoot?.querySelectorAll("a.tile")).to.have.length(0);

    // Retry loads again and shows the tiles once the server answers.
    stubFetch(200, { success: true, kiosks: [{ id: "clock", title: "Clock", url: "http://example.test/" }] });
    alert.querySelector("button")!.click();
    const tile = await waitFor(() => launcher.shadowRoot?.querySelector<HTMLAnchorElement>("a.tile"), "a tile after retry");
    expect(tile.getAttribute("href")).to.equal("/viewer?kiosk=clock");
  });

  it("shows the loading state until the reply arrives", async () => {
    let release: (r: Response) => void = () => undefined;
    window.fetch = () => new Promise<Response>((resolve) => (release = resolve));
    launcher = document.createElement("jiomosa-launcher");
    document.body.append(launcher);
    await launcher.updateComplete;
    expect(launcher.shadowRoot?.querySelector("[role=status]")?.textContent).to.contain("Loading");
    release(new Response(JSON.stringify({ success: true, kiosks: [] }), { status: 200 }));
    await waitFor(() => launcher.shadowRoot?.textContent?.includes("No kiosks are configured"), "the empty state");
  });
  it("shows the appliance's name, and the free URL field only when custom URLs are allowed", async () => {
    stubFetch(200, { success: true, name: "Lobby Kiosk", kiosks: [{ id: "a", title: "A", url: "http://example.test/" }] });
    launcher = document.createElement("jiomosa-launcher");
    document.body.append(launcher);
    await waitFor(() => launcher.shadowRoot?.querySelector("a.tile"), "a tile");
    expect(launcher.shadowRoot?.querySelector("h1")?.textContent).to.equal("Lobby Kiosk");
    expect(launcher.shadowRoot?.querySelector("input.url")).to.equal(null);
    launcher.remove();

    stubFetch(200, { success: true, allowCustomUrls: true, kiosks: [{ id: "a", title: "A", url: "http://example.test/" }] });
    launcher = document.createElement("jiomosa-launcher");
    document.body.append(launcher);
    const field = await waitFor(() => launcher.shadowRoot?.querySelector<HTMLInputElement>("input.url"), "the URL field");
    expect(field.getAttribute("inputmode")).to.equal("url");
    expect(launcher.shadowRoot?.querySelector("h1")?.textContent).to.equal("Jiomosa");
  });

  it("marks the tiles of kiosks with sound with a small speaker", async () => {
    stubFetch(200, {
      success: true,
      kiosks: [
        { id: "radio", title: "Radio", url: "http://example.test/radio", audio: true },
        { id: "clock", title: "Clock", url: "http://example.test/clock" },
        { id: "odd", title: "Odd", url: "http://example.test/odd", audio: "yes" },
      ],
    });
    launcher = document.createElement("jiomosa-launcher");
    document.body.append(launcher);
    const tiles = await waitFor(() => {
      const found = launcher.shadowRoot?.querySelectorAll<HTMLAnchorElement>("a.tile");
      return found && found.length === 3 ? [...found] : null;
    }, "tiles");
    expect(tiles.map((t) => t.querySelector(".sound")?.getAttribute("aria-label") ?? null)).to.deep.equal(["With sound", null, null]);
    const tile = tiles[0]!.getBoundingClientRect();
    const badge = tiles[0]!.querySelector(".sound")!.getBoundingClientRect();
    expect(badge.width).to.be.within(16, 32);
    expect(badge.right).to.be.within(tile.right - 24, tile.right); // In the tile's corner.
    expect(badge.top).to.be.within(tile.top, tile.top + 24);
  });
});
