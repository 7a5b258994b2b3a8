// The sandbox's WeChat view: a rider's chat with the service account, as on their phone.
// Follow, write, send the sample photo or the preset place, tap the account's menu or a line
// of a click menu it sent; what the account answers appears in the chat.

import { $, api, startView, t, texts } from "/static/view.js";

const state = { view: null, shown: "" };

const placeName = (place) => (texts.lang === "en" && place.name_en) || place.name;
const fill = (key, values) =>
  t(key).replace(/\{(\w+)\}/g, (whole, name) => values[name] ?? whole);

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function picture(src) {
  const img = element("img");
  img.src = src;
  img.alt = t("wechat.photo");
  return img;
}

// What the rider did: their own green bubble (a follow is a line of WeChat's own).
function riderItem(message) {
  if (message.kind === "follow") return [element("span", "", t("wechat.followed")), "system"];
  const bubble = element("div", "bubble");
  if (message.kind === "image") bubble.append(picture(message.image));
  else if (message.kind === "location") {
    bubble.append(element("div", "place-name", placeName(message.place)),
                  element("div", "muted", `${t("wechat.location")} · `
                    + `${message.place.lat.toFixed(4)}, ${message.place.lon.toFixed(4)}`));
  } else if (message.kind === "click") {
    bubble.textContent = fill("wechat.menu_tapped", { name: message.text });
  } else bubble.textContent = message.text;
  return [bubble, "rider"];
}

// What the account sent: texts, photos, click menus (tappable lines), template messages.
function accountItem(message) {
  if (message.kind === "unavailable") {
    return [element("span", "", t("wechat.unavailable")), "system"];
  }
  const bubble = element("div", "bubble");
  if (message.kind === "image") bubble.append(picture(message.image));
  else if (message.kind === "msgmenu") {
    if (message.head) bubble.append(element("div", "", message.head));
    for (const line of message.lines) {
      const button = element("button", "menu-line", line.text);
      button.type = "button";
      button.addEventListener("click", () => act("tap", { id: line.id }));
      bubble.append(button);
    }
    if (message.tail) bubble.append(element("div", "", message.tail));
  } else if (message.kind === "template") {
    bubble.classList.add("template");
    bubble.dataset.testid = "wechat-template";
    const fields = element("dl");
    for (const field of message.fields) {
      const label = t(`wechat.field_${field.key}`);
      fields.append(element("dt", "", label.startsWith("wechat.") ? "" : label),
                    element("dd", "", field.value));
    }
    bubble.append(element("div", "title", t("wechat.template")), fields);
    if (message.url) {
      const link = element("a", "", t("wechat.details"));
      link.href = message.url;
      link.target = "_blank";
      bubble.append(link);
    }
  } else bubble.textContent = message.text;
  return [bubble, "account"];
}

function draw() {
  const view = state.view;
  if (!view) return;
  $("unfollowed").hidden = view.followed;
  $("followed").hidden = !view.followed;
  $("send-location").textContent = fill("wechat.send_location", { place: placeName(view.place) });
  $("menu").replaceChildren(...view.menu.map((button) => {
    const node = element("button", "", button.name);
    node.type = "button";
    node.addEventListener("click", () => act("click", { key: button.key }));
    return node;
  }));
  const list = $("messages");
  list.replaceChildren(...view.messages.map((message) => {
    const [content, side] = message.from === "rider" ? riderItem(message)
      : accountItem(message);
    const li = element("li", side);
    li.append(content);
    return li;
  }));
  list.scrollTop = list.scrollHeight;
}

async function refresh() {
  const view = await api("/sandbox/wechat/state.json");
  const shown = JSON.stringify(view);
  if (shown === state.shown) return;
  state.shown = shown;
  state.view = view;
  draw();
}

async function act(action, body = {}) {
  await api(`/sandbox/wechat/${action}`, body);
  await refresh();
}

$("follow").addEventListener("click", () => act("follow"));
$("send-photo").addEventListener("click", () => act("photo"));
$("send-location").addEventListener("click", () => act("location"));
$("composer").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("text").value;
  if (!text.trim()) return;
  $("text").value = "";
  await act("say", { text });
});

await startView("关注公众号报告问题", { onTexts: draw, refresh });
