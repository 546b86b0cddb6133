import { expect } from "@esm-bundle/chai";
import "../../viewer/src/session-view/viewer.js";
import type { JiomosaViewer } from "../../viewer/src/session-view/viewer.js";
import { jsonBody, waitFor } from "./session-fakes.js";

const realFetch = window.fetch.bind(window);

describe("<jiomosa-viewer>", () => {
  let viewer: JiomosaViewer;
  let bodies: unknown[];

  beforeEach(() => {
    bodies = [];
    window.fetch = async (_input: RequestInfo | URL, init?: RequestInit) => {
      bodies.push(jsonBody(init));
      const body = {
        error: { code: "unknown_kiosk", message: "No kiosk named 'nope' is configured" },
        detail: "No kiosk named 'nope' is configured",
      };
      return new Response(JSON.stringify(body), { status: 404 });
    };
  });

  afterEach(() => {
    viewer?.remove();
    window.fetch = realFetch;
  });

  it("shows the server's message when the session cannot be created", async () => {
    viewer = document.createElement("jiomosa-viewer");
    viewer.kiosk = "nope";
    document.body.append(viewer);
    const alert = await waitFor(() => viewer.shadowRoot?.querySelector<HTMLElement>("[role=alert]"), "the error overlay");
    expect(bodies).to.deep.equal([{ kiosk: "nope" }]);
    expect(alert.dataset.status).to.equal("error");
    expect(alert.textContent).to.contain("No kiosk named 'nope' is configured");
    // The stream view and the home button are there regardless of the session's state.
    expect(viewer.shadowRoot?.querySelector("jiomosa-stream-view")).to.not.equal(null);
    expect(viewer.shadowRoot?.querySelector("button.home")?.getAttribute("aria-label")).to.equal("Home");
  });

  it("shows progress while the session is being created", async () => {
    window.fetch = () => new Promise<Response>(() => undefined);
    viewer = document.createElement("jiomosa-viewer");
    viewer.url = "http://example.test/";
    document.body.append(viewer);
    await viewer.updateComplete;
    const overlay = viewer.shadowRoot?.querySelector<HTMLElement>(".overlay");
    expect(overlay?.dataset.status).to.equal("creating");
    expect(overlay?.textContent).to.contain("Starting");
  });
});
