/** The PIN page: plain server-rendered HTML, so it works before any app code is allowed to load. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export function loginPage(name: string, next: string, error: string | null): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(name)} — PIN</title>
<style>
  body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center; background: #000; color: #e8eaed; font: 20px system-ui, "DejaVu Sans", sans-serif; }
  form { display: flex; flex-direction: column; gap: 16px; width: min(90vw, 360px); }
  h1 { font-size: 26px; margin: 0 0 8px; }
  input { font-size: 32px; padding: 12px; border-radius: 12px; border: 2px solid #5f6368; background: #1f2329; color: inherit; text-align: center; letter-spacing: 6px; }
  button { font-size: 22px; padding: 14px; border: 0; border-radius: 12px; background: #2457d6; color: #fff; }
  .error { color: #ff8a80; min-height: 1.2em; }
</style>
</head>
<body>
<form method="post" action="/login">
  <h1>${escapeHtml(name)}</h1>
  <label for="pin">Enter the kiosk PIN</label>
  <input id="pin" name="pin" type="password" inputmode="numeric" autocomplete="off" autofocus required>
  <input type="hidden" name="next" value="${escapeHtml(next)}">
  <div class="error" role="alert">${error ? escapeHtml(error) : ""}</div>
  <button type="submit">Continue</button>
</form>
</body>
</html>
`;
}
