/**
 * Styles of `<jiomosa-viewer>`: a column of the navigation bar, the stream area (the video, the
 * status overlay and the notices) and, while typing on a touch screen, the key bar. Without the
 * bar, the exit and sound buttons float in the top corners.
 * Plain top/right/bottom/left instead of "inset", and margins instead of flex "gap": old Android
 * WebViews (Chrome < 84) support neither.
 */
import { css } from "lit";

export const viewerStyles = css`
  :host {
    display: block;
    position: relative;
    width: 100%;
    height: 100%;
    overflow: hidden;
    background: #000;
    color: #eee;
    font-family:
      system-ui,
      -apple-system,
      "Segoe UI",
      Roboto,
      sans-serif;
  }
  .layout {
    position: absolute;
    top: 0;
    right: 0;
    bottom: 0;
    left: 0;
    display: flex;
    flex-direction: column;
  }
  .stream-area {
    position: relative;
    flex: 1 1 auto;
    min-height: 0;
    overflow: hidden;
  }
  jiomosa-stream-view {
    position: absolute;
    top: 0;
    left: 0;
    width: 100%;
    height: 100%;
  }
  jiomosa-key-bar {
    flex: 0 0 auto;
  }
  .overlay {
    position: absolute;
    top: 0;
    right: 0;
    bottom: 0;
    left: 0;
    z-index: 2;
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    padding: 24px;
    background: rgba(0, 0, 0, 0.72);
    text-align: center;
  }
  .overlay > * + * {
    margin-top: 14px;
  }
  .overlay .title {
    font-size: 24px;
    font-weight: 600;
  }
  .message {
    max-width: 40em;
    font-size: 17px;
    color: #c9ced6;
  }
  .error .title {
    color: #ff8a80;
  }
  .spinner {
    width: 40px;
    height: 40px;
    border: 4px solid rgba(255, 255, 255, 0.2);
    border-top-color: #fff;
    border-radius: 50%;
    animation: spin 0.9s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
  button.retry {
    min-width: 140px;
    min-height: 52px;
    border: 0;
    border-radius: 12px;
    background: #2f6fde;
    color: #fff;
    font: inherit;
    font-size: 18px;
  }
  .notices {
    position: absolute;
    left: 0;
    right: 0;
    bottom: 24px;
    z-index: 3;
    display: flex;
    flex-direction: column;
    align-items: center;
    pointer-events: none;
  }
  .notice {
    max-width: 90%;
    margin-top: 8px;
    padding: 10px 18px;
    border-radius: 10px;
    background: rgba(40, 40, 40, 0.92);
    color: #e8e8e8;
    font-size: 16px;
    box-shadow: 0 4px 16px rgba(0, 0, 0, 0.4);
  }
  /* Thin, at the top edge of the picture, never in the way of a tap. */
  .weak-link {
    position: absolute;
    top: 0;
    left: 50%;
    transform: translateX(-50%);
    z-index: 3;
    padding: 2px 12px;
    border-radius: 0 0 8px 8px;
    background: rgba(150, 100, 0, 0.85);
    color: #fff;
    font-size: 13px;
    pointer-events: none;
  }
  .home {
    position: absolute;
    top: 10px;
    left: 10px;
    z-index: 5;
    display: flex;
    align-items: center;
    justify-content: center;
    width: 44px;
    height: 44px;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: rgba(30, 30, 30, 0.45);
    color: #fff;
    opacity: 0.6;
    cursor: pointer;
    -webkit-tap-highlight-color: transparent;
  }
  .home:hover,
  .home:focus-visible {
    opacity: 1;
  }
  .home.in-bar {
    position: static;
    flex: 0 0 auto;
    width: 48px;
    border-radius: 10px;
    background: none;
    opacity: 1;
    touch-action: manipulation;
  }
  .home.in-bar:active {
    background: #2c313a;
  }
  jiomosa-sound-control[floating] {
    position: absolute;
    top: 10px;
    right: 10px;
    z-index: 5;
  }
  .home svg {
    width: 24px;
    height: 24px;
  }
`;
