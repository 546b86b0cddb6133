import type { InputMessage } from "../../../protocol/index.js";

// These live apart from the stream view so that importing them does not register its element.

/** Name of the event that carries one InputMessage up to whoever owns the connection. */
const INPUT_EVENT = "jiomosa-input";

/** The bubbling, composed INPUT_EVENT that carries `detail`. */
export function inputEvent(detail: InputMessage): CustomEvent<InputMessage> {
  return new CustomEvent<InputMessage>(INPUT_EVENT, { detail, bubbles: true, composed: true });
}

/** Fired (bubbling, composed) when the browser would not play with sound: the view is muted again. */
export const SOUND_REFUSED_EVENT = "jiomosa-sound-refused";
