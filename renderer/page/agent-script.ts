/**
 * The script injected into every frame of a session's page (context.addInitScript). It reports
 * what the screencast cannot show through two bindings: focus of editable elements (so the
 * tablet opens its soft keyboard) and <select> dropdowns (whose popup is a separate widget that
 * is never captured; the tablet shows its own picker and the answer is applied here).
 * Plain ES2017 text: it runs in whatever page the kiosk opens.
 */
export const FOCUS_BINDING = "__jiomosaFocus";
export const SELECT_BINDING = "__jiomosaSelect";
export const ANSWER_SELECT_FUNCTION = "__jiomosaAnswerSelect";

export const AGENT_SCRIPT = `(() => {
  if (window.__jiomosaAgent) return;
  Object.defineProperty(window, "__jiomosaAgent", { value: true });
  const call = (name, payload) => { try { const fn = window[name]; if (typeof fn === "function") fn(payload); } catch (e) {} };
  const NOT_TEXT = ["button", "checkbox", "radio", "submit", "reset", "file", "image", "range", "color", "hidden"];
  const deepActive = () => {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    return el;
  };
  const describe = (el) => {
    if (!el || el.disabled || el.readOnly) return null;
    if (el.isContentEditable) return { inputType: "contenteditable" };
    if (el.tagName === "TEXTAREA") return { inputType: "textarea" };
    if (el.tagName === "INPUT") {
      const type = (el.getAttribute("type") || "text").toLowerCase();
      return NOT_TEXT.indexOf(type) >= 0 ? null : { inputType: type };
    }
    return null;
  };
  let editableFocused = false;
  const update = () => {
    const el = deepActive();
    const info = describe(el);
    if (info) {
      editableFocused = true;
      call(${JSON.stringify(FOCUS_BINDING)}, {
        editable: true,
        inputType: info.inputType,
        inputMode: el.getAttribute("inputmode") || undefined,
        enterKeyHint: el.getAttribute("enterkeyhint") || undefined,
      });
    } else if (editableFocused) {
      editableFocused = false;
      call(${JSON.stringify(FOCUS_BINDING)}, { editable: false });
    }
  };
  document.addEventListener("focusin", update, true);
  document.addEventListener("focusout", () => setTimeout(update, 0), true);
  window.addEventListener("pagehide", () => { if (editableFocused) { editableFocused = false; call(${JSON.stringify(FOCUS_BINDING)}, { editable: false }); } });

  const selects = new Map();
  let nextId = 1;
  const openSelect = (select, event) => {
    event.preventDefault();
    event.stopPropagation();
    try { select.focus(); } catch (e) {}
    const id = "s" + nextId++;
    selects.set(id, select);
    if (selects.size > 20) selects.delete(selects.keys().next().value);
    const options = [];
    for (const option of Array.from(select.options).slice(0, 1000)) {
      const group = option.parentElement && option.parentElement.tagName === "OPTGROUP" ? option.parentElement : null;
      options.push({
        label: String(option.label || option.text || "").slice(0, 200),
        selected: option.selected,
        disabled: option.disabled || (group ? group.disabled : false),
        group: group ? String(group.label).slice(0, 200) : undefined,
      });
    }
    call(${JSON.stringify(SELECT_BINDING)}, { id, multiple: select.multiple, options });
  };
  const dropdownOf = (event) => {
    const path = event.composedPath ? event.composedPath() : [event.target];
    for (const node of path) {
      if (node instanceof HTMLSelectElement) return !node.disabled && !node.multiple && node.size <= 1 ? node : null;
    }
    return null;
  };
  document.addEventListener("mousedown", (event) => {
    const select = dropdownOf(event);
    if (select && event.button === 0) openSelect(select, event);
  }, true);
  document.addEventListener("keydown", (event) => {
    const select = dropdownOf(event);
    if (select && (event.key === " " || event.key === "Enter" || (event.altKey && event.key === "ArrowDown"))) openSelect(select, event);
  }, true);
  // One tablet shows one page: window.open and target=_blank navigate that page instead of
  // opening a window nobody would see (and that would escape the navigation guard).
  const openHere = (url) => {
    const href = new URL(String(url), location.href).href;
    try { window.top.location.assign(href); } catch (e) { location.assign(href); }
  };
  try {
    Object.defineProperty(window, "open", { configurable: true, writable: true, value: function (url) { if (url !== undefined && url !== null && String(url) !== "") openHere(url); return null; } });
  } catch (e) {}
  window.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    const path = event.composedPath ? event.composedPath() : [event.target];
    const link = path.find((node) => node instanceof HTMLAnchorElement || node instanceof HTMLAreaElement);
    if (!link || !link.href || link.hasAttribute("download")) return;
    const target = (link.getAttribute("target") || "").toLowerCase();
    if (target === "" || target === "_self" || target === "_top" || target === "_parent") return;
    event.preventDefault();
    openHere(link.href);
  });
  Object.defineProperty(window, ${JSON.stringify(ANSWER_SELECT_FUNCTION)}, {
    value: (id, indexes) => {
      const select = selects.get(id);
      selects.delete(id);
      if (!select || !indexes) return false;
      if (select.multiple) Array.from(select.options).forEach((o, i) => { o.selected = indexes.indexOf(i) >= 0; });
      else if (indexes.length > 0 && indexes[0] < select.options.length) select.selectedIndex = indexes[0];
      select.dispatchEvent(new Event("input", { bubbles: true, composed: true }));
      select.dispatchEvent(new Event("change", { bubbles: true }));
      return true;
    },
  });
})();`;
