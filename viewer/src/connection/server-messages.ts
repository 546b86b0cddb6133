/**
 * Kept only for the diagnostics page while it is being split: the readers live in protocol/.
 * Delete this file once diagnostics imports describeError and readServerMessage from there.
 */
export { describeError, readServerMessage as readInboundSignal } from "../../../protocol/index.js";
