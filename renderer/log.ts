/** Structured logging: one JSON line per event, scoped with `logger.child({ module, session })`. */
import { pino, type Logger } from "pino";

export type { Logger };

export function createLogger(level = process.env.LOG_LEVEL || "info"): Logger {
  return pino({ level, base: { app: "jiomosa" }, timestamp: pino.stdTimeFunctions.isoTime });
}
