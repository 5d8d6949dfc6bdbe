/* cchc-bot web chat: the full page at / and the frame the portal widget opens.
 * Plain JavaScript, no build step. Every text is put in with textContent (never innerHTML),
 * so neither a knowledge-base entry nor a citizen's own words can inject markup; links are
 * made from http(s) addresses only. */
(function () {
  "use strict";

  var TEXTS = {
    vi: {
      title: "Hỏi đáp thủ tục hành chính",
      switchTo: "English",
      switchLabel: "Switch to English",
      close: "Đóng cửa sổ hỏi đáp",
      log: "Cuộc trò chuyện",
      input: "Nhập câu hỏi",
      placeholder: "Nhập câu hỏi…",
      send: "Gửi",
      attach: "Gửi ảnh hoặc tệp PDF",
      you: "Ông/Bà:",
      bot: "Trợ lý:",
      note: "Thông báo:",
      choices: "Các lựa chọn",
      waiting: "Trợ lý đang trả lời…",
      network: "Không kết nối được tới máy chủ. Ông/Bà vui lòng kiểm tra mạng và gửi lại.",
      pending: "Tin nhắn đã được nhận; câu trả lời sẽ hiện ra tại đây trong giây lát.",
      empty: "Ông/Bà vui lòng nhập câu hỏi trước khi gửi.",
      language: "Tiếng Việt"
    },
    en: {
      title: "Administrative procedures: questions and answers",
      switchTo: "Tiếng Việt",
      switchLabel: "Chuyển sang tiếng Việt",
      close: "Close the chat window",
      log: "Conversation",
      input: "Type your question",
      placeholder: "Type your question…",
      send: "Send",
      attach: "Send a photo or a PDF",
      you: "You:",
      bot: "Assistant:",
      note: "Notice:",
      choices: "Choices",
      waiting: "The assistant is answering…",
      network: "Cannot reach the server. Please check your connection and send again.",
      pending: "Your message was received; the answer will appear here shortly.",
      empty: "Please type a question before sending.",
      language: "English"
    }
  };
  var POLL_MS = 3000;
  var LINK = /https?:\/\/[^\s<>"'()]+[^\s<>"'().,;:!?]/g;
  var COLOR = /^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/;

  var params = new URLSearchParams(window.location.search);
  var embedded = params.get("embed") === "1";
  var lang = chosenLanguage();
  var customTitle = (params.get("title") || "").slice(0, 80);
  var el = {
    title: document.getElementById("title"),
    lang: document.getElementById("lang"),
    close: document.getElementById("close"),
    log: document.getElementById("log"),
    status: document.getElementById("status"),
    form: document.getElementById("form"),
    input: document.getElementById("input"),
    inputLabel: document.getElementById("input-label"),
    send: document.getElementById("send"),
    attach: document.getElementById("attach"),
    file: document.getElementById("file")
  };
  var seen = {};
  var last = 0;
  var busy = false;
  var started = false;

  function chosenLanguage() {
    var given = params.get("lang");
    var stored = null;
    try { stored = window.localStorage.getItem("cchc-chat-lang"); } catch (e) { /* private mode */ }
    var found = stored || given;
    return found === "en" ? "en" : "vi";
  }

  function t(key) { return TEXTS[lang][key]; }

  function applyLanguage() {
    document.documentElement.lang = lang;
    el.title.textContent = customTitle || t("title");
    document.title = customTitle || t("title");
    el.lang.textContent = t("switchTo");
    el.lang.lang = lang === "vi" ? "en" : "vi";
    el.lang.setAttribute("aria-label", t("switchLabel"));
    el.close.setAttribute("aria-label", t("close"));
    el.log.setAttribute("aria-label", t("log"));
    el.inputLabel.textContent = t("input");
    el.input.placeholder = t("placeholder");
    el.send.textContent = t("send");
    el.attach.setAttribute("aria-label", t("attach"));
    el.attach.title = t("attach");
  }

  /* Text with clickable http(s) links, line breaks kept by CSS (pre-wrap). */
  function fill(node, text) {
    var at = 0;
    LINK.lastIndex = 0;
    var match;
    while ((match = LINK.exec(text)) !== null) {
      if (match.index > at) node.appendChild(document.createTextNode(text.slice(at, match.index)));
      var link = document.createElement("a");
      link.href = match[0];
      link.textContent = match[0];
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      node.appendChild(link);
      at = match.index + match[0].length;
    }
    if (at < text.length) node.appendChild(document.createTextNode(text.slice(at)));
  }

  function bubble(role, text) {
    var box = document.createElement("div");
    box.className = "msg " + role;
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = role === "citizen" ? t("you") : role === "bot" ? t("bot") : t("note");
    box.appendChild(who);
    var body = document.createElement("p");
    body.className = "text";
    fill(body, text);
    box.appendChild(body);
    return box;
  }

  function show(message) {
    if (message.id && seen[message.id]) return;
    if (message.id) {
      seen[message.id] = true;
      last = Math.max(last, message.id);
    }
    var box = bubble(message.role || "bot", message.text || "");
    var buttons = message.buttons || [];
    if (buttons.length) {
      var group = document.createElement("div");
      group.className = "choices";
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", t("choices"));
      buttons.forEach(function (choice) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = choice.label;
        button.addEventListener("click", function () {
          send({ button: choice.payload, label: choice.label }, choice.label);
        });
        group.appendChild(button);
      });
      box.appendChild(group);
    }
    el.log.appendChild(box);
    reveal(box);
    return box;
  }

  /* A long answer is shown from its start (read it top-down on a phone); others at the end. */
  function reveal(box) {
    if (box.offsetHeight > el.log.clientHeight) el.log.scrollTop = box.offsetTop - 8;
    else el.log.scrollTop = el.log.scrollHeight;
  }

  function note(text) { show({ role: "note", text: text }); }

  function call(method, path, body, file) {
    var options = {
      method: method,
      credentials: "same-origin",
      headers: { "X-CCHC-Chat": "1", "Accept": "application/json" }
    };
    if (file) {
      options.headers["Content-Type"] = file.type || "application/octet-stream";
      options.headers["X-File-Name"] = encodeURIComponent(file.name);
      options.body = file;
    } else if (body) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(path, options).then(function (response) {
      return response.json().then(function (data) {
        return { status: response.status, data: data };
      }, function () { return { status: response.status, data: {} }; });
    });
  }

  function send(body, shown, file) {
    if (busy) return;
    busy = true;
    started = true;
    body.lang = lang;
    var mine = shown ? show({ role: "citizen", text: shown }) : null;
    el.send.disabled = true;
    el.attach.disabled = true;
    el.status.textContent = t("waiting");
    var path = file ? "/api/chat/upload?lang=" + lang : "/api/chat";
    call("POST", path, body, file).then(function (answer) {
      var data = answer.data || {};
      if (answer.status >= 400) {
        if (mine && answer.status !== 429) mine.classList.add("unsent");
        note(data.message || t("network"));
        return;
      }
      if (data.message_id) { seen[data.message_id] = true; last = Math.max(last, data.message_id); }
      (data.replies || []).forEach(function (reply) { reply.role = "bot"; show(reply); });
      if (data.last) last = Math.max(last, data.last);
      if (data.pending) note(t("pending"));
    }, function () {
      note(t("network"));
    }).then(function () {
      busy = false;
      el.send.disabled = false;
      el.attach.disabled = false;
      el.status.textContent = "";
    });
  }

  function poll() {
    if (busy || !started || document.visibilityState === "hidden") return;
    call("GET", "/api/chat/history?after=" + last).then(function (answer) {
      if (answer.status !== 200 || busy) return;
      (answer.data.messages || []).forEach(show);
    }, function () { /* offline for a moment: the next poll tries again */ });
  }

  function load() {
    call("GET", "/api/chat/history?after=0").then(function (answer) {
      var messages = (answer.status === 200 && answer.data.messages) || [];
      messages.forEach(show);
      if (messages.length) {
        started = true;
      } else {
        send({ text: "/start" }, null);
      }
    }, function () { note(t("network")); });
  }

  function switchLanguage() {
    lang = lang === "vi" ? "en" : "vi";
    try { window.localStorage.setItem("cchc-chat-lang", lang); } catch (e) { /* private mode */ }
    applyLanguage();
    send({ button: "lang:" + lang, label: t("language") }, t("language"));
    el.input.focus();
  }

  el.form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = el.input.value.trim();
    if (!text) {
      el.status.textContent = t("empty");
      el.input.focus();
      return;
    }
    if (busy) return;
    el.input.value = "";
    send({ text: text }, text);
    el.input.focus();
  });
  el.input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      el.form.requestSubmit();
    }
  });
  el.lang.addEventListener("click", switchLanguage);
  el.attach.addEventListener("click", function () { el.file.click(); });
  el.file.addEventListener("change", function () {
    var file = el.file.files && el.file.files[0];
    el.file.value = "";
    if (file) send({}, "📎 " + file.name, file);
  });
  if (embedded) {
    el.close.hidden = false;
    var closeFrame = function () { window.parent.postMessage("cchc-chat:close", "*"); };
    el.close.addEventListener("click", closeFrame);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") closeFrame();
    });
    window.addEventListener("message", function (event) {
      if (event.data === "cchc-chat:focus") el.input.focus();
    });
  }
  var color = params.get("color") || "";
  if (COLOR.test(color)) document.documentElement.style.setProperty("--accent", color);

  applyLanguage();
  load();
  window.setInterval(poll, POLL_MS);
  document.addEventListener("visibilitychange", poll);
  if (!embedded) el.input.focus();
})();
