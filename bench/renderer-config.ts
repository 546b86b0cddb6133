/** The renderer's config for a bench run: the bench's pages as kiosks, and the settings under test. */

export interface BenchRendererSettings {
  fixturesOrigin: string;
  /** `video.capture`, passed through as given: the renderer itself refuses a mode it does not know. */
  capture: string;
  viewport: { width: number; height: number };
  maxFps: number;
  jpegQuality: number;
  chromiumArgs: string[];
  /** The `turn:` section (see test/support/turn.ts); TURN off when not given. */
  turnSection?: string;
  port?: number;
}

export function benchRendererConfig(s: BenchRendererSettings): string {
  return `
listen: { host: 127.0.0.1, port: ${s.port ?? 0} }
kiosks:
  - { id: animated, title: Animated, url: "${s.fixturesOrigin}/animated.html" }
  - { id: static, title: Static, url: "${s.fixturesOrigin}/static.html" }
  - { id: article, title: Article, url: "${s.fixturesOrigin}/long-article.html" }
viewport: { width: ${s.viewport.width}, height: ${s.viewport.height} }
video: { maxFps: ${s.maxFps}, maxBitrateKbps: 2500, jpegQuality: ${s.jpegQuality}, capture: ${s.capture} }
sessions: { max: 8, idleTimeoutSeconds: 60 }
${s.turnSection ?? "turn: { enabled: false }"}
chromium: { args: ${JSON.stringify(s.chromiumArgs)} }
`;
}
