// The dashboard's one script. Forms and buttons post JSON to the /_sim control API (the
// "sim-json" htmx extension), so a click does exactly what a test's API call does; after a
// change every live fragment refreshes at once ("sim-changed"), and a refusal is shown.
"use strict";

htmx.defineExtension("sim-json", {
  onEvent(name, event) {
    if (name === "htmx:configRequest" && event.detail.verb !== "get") {
      event.detail.headers["Content-Type"] = "application/json";
    }
  },
  encodeParameters(xhr, parameters, element) {
    xhr.overrideMimeType("text/json");
    const body = {};
    for (const [key, value] of parameters.entries()) {
      if (value === "") continue;                        // an empty field means "not given"
      const field = element.querySelector ? element.querySelector(`[name="${CSS.escape(key)}"]`) : null;
      body[key] = field && field.dataset.type === "number" ? Number(value) : value;
    }
    const vals = element.getAttribute && element.getAttribute("hx-vals");
    if (vals) Object.assign(body, JSON.parse(vals));    // typed values: true, false, numbers
    return JSON.stringify(body);
  },
});

document.addEventListener("htmx:afterRequest", (event) => {
  if (event.detail.requestConfig.verb === "get") return;
  const flash = document.getElementById("flash");
  if (event.detail.successful) {
    flash.textContent = "";
    flash.className = "";
    htmx.trigger(document.body, "sim-changed");
    return;
  }
  let message = event.detail.xhr.statusText || "the request failed";
  try { message = JSON.parse(event.detail.xhr.responseText).error || message; } catch (ignored) { /* not JSON */ }
  flash.textContent = message;
  flash.className = "error";
});

// A live fragment is re-rendered every second: keep what the reader opened open.
let openKeys = new Set();
document.addEventListener("htmx:beforeSwap", (event) => {
  openKeys = new Set([...event.detail.target.querySelectorAll("details[open][data-key]")].map((d) => d.dataset.key));
});
document.addEventListener("htmx:afterSwap", (event) => {
  for (const details of event.detail.target.querySelectorAll("details[data-key]")) {
    if (openKeys.has(details.dataset.key)) details.open = true;
  }
});
