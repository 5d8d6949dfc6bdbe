/* cchc-bot web chat widget: one line on the portal's page,
 *   <script src="https://BOT/widget.js" data-title="Hỏi đáp CCHC" data-color="#0b5394" defer></script>
 * A floating button (in a shadow root, so the portal's CSS cannot reach it) opens the chat in
 * an iframe served by the bot (its own page, cookies and styles). data-lang="en" starts in
 * English; data-position="left" puts the button on the left. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__cchcChatWidget) return;
  window.__cchcChatWidget = true;

  var base = new URL(script.src, window.location.href).origin;
  var data = script.dataset;
  var lang = data.lang === "en" ? "en" : "vi";
  var COLOR = /^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/;
  var color = COLOR.test(data.color || "") ? data.color : "#0b5394";
  var title = (data.title || (lang === "en" ? "Ask the commune" : "Hỏi đáp thủ tục hành chính"))
    .slice(0, 80);
  var side = data.position === "left" ? "left" : "right";
  var openLabel = lang === "en" ? "Open the chat: " : "Mở cửa sổ hỏi đáp: ";

  var CSS = [
    ":host { all: initial; }",
    ".launcher { position: fixed; bottom: 20px; " + side + ": 20px; z-index: 2147483000;",
    "  display: flex; align-items: center; gap: 8px; min-height: 56px; padding: 0 20px;",
    "  font: 600 16px/1.2 system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif;",
    "  color: #fff; background: " + color + "; border: 2px solid #fff; border-radius: 28px;",
    "  box-shadow: 0 4px 14px rgba(0,0,0,.3); cursor: pointer; }",
    ".launcher:focus-visible { outline: 3px solid #b35900; outline-offset: 3px; }",
    ".panel { position: fixed; bottom: 88px; " + side + ": 20px; z-index: 2147483000;",
    "  width: min(400px, calc(100vw - 24px)); height: min(640px, calc(100vh - 110px));",
    "  background: #fff; border-radius: 12px; overflow: hidden;",
    "  box-shadow: 0 8px 30px rgba(0,0,0,.35); }",
    ".panel[hidden] { display: none; }",
    "iframe { width: 100%; height: 100%; border: 0; display: block; }",
    "@media (max-width: 480px) { .panel { inset: 0; width: 100vw; height: 100%;",
    "  border-radius: 0; } .panel:not([hidden]) + .launcher, .open .launcher { display: none; } }"
  ].join("\n");

  var host = document.createElement("div");
  host.setAttribute("data-cchc-chat", "");
  var root = host.attachShadow({ mode: "open" });
  if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === "function") {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS); // CSSOM: allowed by a portal CSP that forbids inline <style>
    root.adoptedStyleSheets = [sheet];
  } else {
    var style = document.createElement("style");
    style.textContent = CSS;
    root.appendChild(style);
  }
  var wrap = document.createElement("div");
  var panel = document.createElement("div");
  panel.className = "panel";
  panel.id = "cchc-chat-panel";
  panel.hidden = true;
  var launcher = document.createElement("button");
  launcher.type = "button";
  launcher.className = "launcher";
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", panel.id);
  launcher.setAttribute("aria-label", openLabel + title);
  var icon = document.createElement("span");
  icon.setAttribute("aria-hidden", "true");
  icon.textContent = "💬";
  var label = document.createElement("span");
  label.textContent = title;
  launcher.appendChild(icon);
  launcher.appendChild(label);
  wrap.appendChild(panel);
  wrap.appendChild(launcher);
  root.appendChild(wrap);
  var frame = null;

  function open() {
    if (!frame) {
      frame = document.createElement("iframe");
      var query = new URLSearchParams({ embed: "1", lang: lang, title: title, color: color });
      frame.src = base + "/?" + query.toString();
      frame.title = title;
      frame.setAttribute("allow", "clipboard-write");
      panel.appendChild(frame);
      frame.addEventListener("load", function () { focusChat(); });
    }
    panel.hidden = false;
    wrap.className = "open";
    launcher.setAttribute("aria-expanded", "true");
    focusChat();
  }

  function focusChat() {
    if (!frame || panel.hidden) return;
    frame.focus();
    if (frame.contentWindow) frame.contentWindow.postMessage("cchc-chat:focus", base);
  }

  function close() {
    panel.hidden = true;
    wrap.className = "";
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  launcher.addEventListener("click", function () {
    if (panel.hidden) open(); else close();
  });
  window.addEventListener("message", function (event) {
    if (event.origin === base && event.data === "cchc-chat:close") close();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) close();
  });

  function mount() { document.body.appendChild(host); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
