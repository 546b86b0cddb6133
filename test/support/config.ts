/** What a test changes in the base config. */
export interface TestConfigOptions {
  /** `sessions.max` (default 4). */
  sessionsMax?: number;
  /**
   * `sessions.maxPerClient` (default: `sessionsMax`, since every test client shares one address;
   * the quota's own tests set it).
   */
  maxPerClient?: number;
  /** `sessions.idleTimeoutSeconds` (default 60). */
  idleTimeoutSeconds?: number;
  /** More `sessions` fields, written after the two above, e.g. "maxPageMemoryMB: 64". */
  sessionFields?: string;
  /** YAML list items added after the built-in kiosks (starting with a newline). */
  extraKiosks?: string;
  /** Top-level YAML added at the end; a `turn:` section here replaces the disabled default. */
  extra?: string;
}

/** Test configs for the renderer: kiosks on the fixture server's origin. */
export function testConfig(fixtureOrigin: string, options: TestConfigOptions = {}): string {
  const { sessionsMax = 4, idleTimeoutSeconds = 60, sessionFields, extraKiosks = "", extra = "" } = options;
  const maxPerClient = options.maxPerClient ?? sessionsMax;
  return `
name: Jiomosa Test
listen: { host: 127.0.0.1, port: 0 }
kiosks:
  - id: test-page
    title: Test Page
    url: ${fixtureOrigin}/test-page.html
  - id: animated
    title: Animated
    url: ${fixtureOrigin}/animated.html
  - id: tablet
    title: Tablet
    url: ${fixtureOrigin}/tablet-page.html${extraKiosks}
viewport: { width: 1280, height: 720 }
video: { maxFps: 30, maxBitrateKbps: 2500 }
sessions: { max: ${sessionsMax}, maxPerClient: ${maxPerClient}, idleTimeoutSeconds: ${idleTimeoutSeconds}${sessionFields ? `, ${sessionFields}` : ""} }
${extra.includes("turn:") ? "" : "turn: { enabled: false }"}
${extra}
`;
}

/** A kiosk whose page plays a sine tone (test/fixtures/tone.html), as an `extraKiosks` item. */
export function toneKiosk(origin: string, { id = "tone", title = "Tone", freq = 440, audio = true } = {}): string {
  return `\n  - id: ${id}\n    title: ${title}\n    url: ${origin}/tone.html?freq=${freq}\n    audio: ${audio}`;
}
