/** The one wire-protocol module: imported by the renderer and the viewer, nothing else is shared. */
export * from "./validate.js";
export * from "./signaling.js";
export * from "./input.js";
export * from "./rest.js";
export * from "./events.js";
export * from "./jpeg-stream.js";
export * from "./jpeg-stream-messages.js";
export * from "./ice-server.js";
export * from "./server-message-reader.js";
export * from "./channel-event-reader.js";
export * from "./rest-replies.js";
export * from "./api-paths.js";
