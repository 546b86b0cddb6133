/** Test configs for the renderer: kiosks on the fixture server's origin. */
export function testConfig(fixtureOrigin: string, extra = ""): string {
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
    url: ${fixtureOrigin}/tablet-page.html
viewport: { width: 1280, height: 720 }
video: { maxFps: 30, maxBitrateKbps: 2500 }
sessions: { max: 4, idleTimeoutSeconds: 60 }
${extra.includes("turn:") ? "" : "turn: { enabled: false }"}
${extra}
`;
}
