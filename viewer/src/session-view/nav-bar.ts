/**
 * The navigation bar above the remote page: back, forward, reload, the kiosk's start page, the
 * page's title, the sound control of a session with sound, and a loading bar. It is rendered
 * into the viewer's own shadow root (scripts and end-to-end tests look for `nav.nav-bar` there),
 * so it is a template with its styles rather than an element with a shadow root of its own. Its
 * buttons fire `jiomosa-input` (a `navigate` message), bubbling and composed, like every input
 * source of the viewer.
 */
import { css, html, svg, type TemplateResult } from "lit";
import type { InputMessage, NavigateInput, PageEvent } from "../../../protocol/index.js";
import { inputEvent } from "../input/input-event.js";

/** Height of the bar in CSS pixels; the stream area is what remains below it. */
export const NAV_BAR_HEIGHT_PX = 52;

const ICONS: Record<NavigateInput["action"], ReturnType<typeof svg>> = {
  back: svg`<path fill="currentColor" d="M20 11H7.8l5.6-5.6L12 4l-8 8 8 8 1.4-1.4L7.8 13H20z" />`,
  forward: svg`<path fill="currentColor" d="M4 11h12.2l-5.6-5.6L12 4l8 8-8 8-1.4-1.4 5.6-5.6H4z" />`,
  reload: svg`<path fill="currentColor" d="M17.7 6.3A8 8 0 1 0 19.7 14h-2.1a6 6 0 1 1-1.4-6.3L13 11h7V4z" />`,
  home: svg`<path fill="currentColor" d="M12 3 2 12h3v8h6v-6h2v6h6v-8h3z" />`,
};
const LABELS: Record<NavigateInput["action"], string> = { back: "Back", forward: "Forward", reload: "Reload", home: "Start page" };
const ORDER: readonly NavigateInput["action"][] = ["back", "forward", "reload", "home"];

export interface NavBarOptions {
  /** The remote page's state, or null before the renderer sent it. */
  page: PageEvent | null;
  /** Shown first (the viewer's exit button). */
  start?: unknown;
  /** Shown last (the sound control). */
  end?: unknown;
  /** Receives the bar's `jiomosa-input` events. */
  onInput: (e: CustomEvent<InputMessage>) => void;
}

export function renderNavBar({ page, start, end, onInput }: NavBarOptions): TemplateResult {
  const disabled: Record<NavigateInput["action"], boolean> = {
    back: !page?.canGoBack,
    forward: !page?.canGoForward,
    reload: false,
    home: false,
  };
  const loading = page?.loading ?? false;
  return html`<nav class="nav-bar" aria-label="Page navigation" @jiomosa-input=${onInput}>
    ${start}
    ${ORDER.map(
      (action) =>
        html`<button
          type="button"
          data-action=${action}
          aria-label=${LABELS[action]}
          title=${LABELS[action]}
          ?disabled=${disabled[action]}
          @click=${navigate(action)}
        >
          <svg viewBox="0 0 24 24" aria-hidden="true">${ICONS[action]}</svg>
        </button>`,
    )}
    <div class="title" title=${page?.url ?? ""}>${page ? page.title || page.url : ""}</div>
    ${end}
    <div
      class="progress"
      data-loading=${loading ? "true" : "false"}
      role="progressbar"
      aria-label="Loading"
      aria-hidden=${loading ? "false" : "true"}
    ></div>
  </nav>`;
}

/** A click handler that fires the `navigate` message from the pressed button. */
function navigate(action: NavigateInput["action"]): (e: Event) => void {
  return (e) => {
    const detail: InputMessage = { type: "navigate", action };
    (e.currentTarget as Element).dispatchEvent(inputEvent(detail));
  };
}

/** Styles of the bar, for the shadow root it is rendered into. */
export const navBarStyles = css`
  nav.nav-bar {
    position: relative;
    flex: 0 0 auto;
    display: flex;
    align-items: center;
    box-sizing: border-box;
    height: ${NAV_BAR_HEIGHT_PX}px;
    padding: 0 4px;
    background: #16191e;
    color: #e8e8e8;
    border-bottom: 1px solid #262b33;
    font-family:
      system-ui,
      -apple-system,
      "Segoe UI",
      Roboto,
      sans-serif;
    -webkit-tap-highlight-color: transparent;
    user-select: none;
    -webkit-user-select: none;
  }
  nav.nav-bar button[data-action] {
    display: flex;
    flex: 0 0 auto;
    align-items: center;
    justify-content: center;
    width: 48px;
    height: 44px;
    margin: 0 1px;
    padding: 0;
    border: 0;
    border-radius: 10px;
    background: none;
    color: inherit;
    cursor: pointer;
    touch-action: manipulation;
  }
  nav.nav-bar button[data-action]:active:not(:disabled) {
    background: #2c313a;
  }
  nav.nav-bar button[data-action]:disabled {
    color: #4a515d;
    cursor: default;
  }
  nav.nav-bar svg {
    width: 24px;
    height: 24px;
  }
  nav.nav-bar .title {
    flex: 1 1 auto;
    min-width: 0;
    margin: 0 10px;
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
    font-size: 16px;
    color: #c9ced6;
  }
  nav.nav-bar .progress {
    position: absolute;
    left: 0;
    bottom: -1px;
    width: 0;
    height: 3px;
    background: #4c8dff;
    opacity: 0;
    transition: opacity 300ms;
    transform-origin: left;
  }
  nav.nav-bar .progress[data-loading="true"] {
    width: 100%;
    opacity: 1;
    animation: nav-loading 1.2s ease-in-out infinite;
  }
  @keyframes nav-loading {
    0% {
      transform: scaleX(0.05);
    }
    60% {
      transform: scaleX(0.8);
    }
    100% {
      transform: scaleX(0.98);
    }
  }
`;
