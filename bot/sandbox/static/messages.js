// Drawing a chat's messages: bubbles, photos, locations, replies and inline keyboards.

import { chatMessages, el, persona, postJson, roleLabel, state, t, toast } from "./state.js";

let timeFormat = null;

function clock(seconds) {
  if (!timeFormat) {
    timeFormat = new Intl.DateTimeFormat(state.lang === "zh" ? "zh-CN" : "en-GB", {
      timeZone: state.setup.timezone, hour: "2-digit", minute: "2-digit", hour12: false,
    });
  }
  return timeFormat.format(new Date(seconds * 1000));
}

export function resetTimeFormat() {
  timeFormat = null;
}

function senderName(view) {
  if (view.from.is_bot) return view.from.name || "Liaison";
  return persona(view.from.id)?.name || view.from.name;
}

function senderRole(view) {
  if (view.from.is_bot) return t("role_bot");
  return roleLabel(persona(view.from.id));
}

function snippet(view) {
  if (!view) return "…";
  const body = view.text || view.caption || "";
  if (body) return body.split("\n")[0].slice(0, 60);
  if (view.photo) return "📷";
  if (view.location) return "📍";
  return "…";
}

function locationBlock(view) {
  const { latitude, longitude } = view.location;
  const label = `${latitude.toFixed(5)}, ${longitude.toFixed(5)}`;
  const link = `https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}#map=17/${latitude}/${longitude}`;
  return el("div", { class: "location" },
    el("span", { class: "pin" }, "📍"),
    el("span", {}, view.venue ? `${view.venue.title} (${label})` : label),
    el("a", { href: link, target: "_blank", rel: "noopener" }, t("open_map")));
}

async function press(view, button) {
  const who = state.personaId;
  try {
    await postJson(`/_client/chats/${view.chat_id}/messages/${view.message_id}/press`, {
      user_id: who,
      ...(button.callback_data ? { data: button.callback_data } : { text: button.text }),
    });
  } catch (error) {
    toast(t("error", { error: error.message }), "alert");
  }
}

function keyboard(view) {
  return el("div", { class: "keyboard" }, view.inline_keyboard.map((row) =>
    el("div", { class: "row" }, row.map((button) => button.url
      ? el("a", { class: "kb-button", href: button.url, target: "_blank", rel: "noopener" },
        button.text)
      : el("button", { type: "button", class: "kb-button", onclick: () => press(view, button) },
        button.text)))));
}

export function messageNode(view, onReply) {
  const mine = view.from.id === state.personaId;
  const classes = ["message", view.from.is_bot ? "bot" : mine ? "mine" : "other"];
  if (view.deleted) classes.push("deleted");
  const replied = view.reply_to_message_id
    ? chatMessages(view.chat_id).get(view.reply_to_message_id) : null;
  const body = view.text ?? view.caption;
  return el("li", { class: classes.join(" "), "data-message-id": view.message_id },
    el("div", { class: "meta" },
      el("span", { class: "sender" }, senderName(view)),
      el("span", { class: "role" }, senderRole(view)),
      el("time", {}, clock(view.date)),
      view.edit_date ? el("span", { class: "edited" }, t("edited")) : null,
      view.deleted ? el("span", { class: "edited" }, t("deleted")) : null,
      view.deleted ? null : el("button", {
        type: "button", class: "reply-button link", onclick: () => onReply(view),
      }, t("reply"))),
    view.reply_to_message_id ? el("blockquote", { class: "quote" },
      `${replied ? senderName(replied) : ""}: ${snippet(replied)}`) : null,
    view.photo ? el("a", { href: view.photo.url, target: "_blank" },
      el("img", { class: "photo", src: view.photo.url, alt: "photo", loading: "lazy" })) : null,
    view.document ? el("a", { href: view.document.url, target: "_blank" },
      `📎 ${view.document.file_name || "file"}`) : null,
    view.location ? locationBlock(view) : null,
    body ? el("div", { class: "text" }, body) : null,
    view.kind === "service" ? el("div", { class: "service" }, t("service_message")) : null,
    view.inline_keyboard ? keyboard(view) : null);
}

// Only messages that changed are redrawn, so a button under the pointer stays put while
// other messages arrive.
const drawn = new WeakMap();  // list element -> Map(message id -> {node, signature})

export function renderMessages(list, chatId, onReply) {
  const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  const switched = list.dataset.chat !== String(chatId);
  if (switched || !drawn.has(list)) drawn.set(list, new Map());
  const nodes = drawn.get(list);
  const messages = chatMessages(chatId);
  const views = [...messages.values()].sort((a, b) => a.message_id - b.message_id);
  const wanted = views.map((view) => {
    const replied = messages.get(view.reply_to_message_id);
    const signature = JSON.stringify([view, replied?.text, replied?.caption, state.personaId,
      state.lang]);
    const known = nodes.get(view.message_id);
    if (known && known.signature === signature) return known.node;
    const node = messageNode(view, onReply);
    nodes.set(view.message_id, { node, signature });
    return node;
  });
  if (!views.length) wanted.push(el("li", { class: "empty" }, t("empty_chat")));
  // Move nothing that is already in place: the common case is one message appended.
  wanted.forEach((node, index) => {
    if (list.children[index] !== node) list.insertBefore(node, list.children[index] ?? null);
  });
  while (list.children.length > wanted.length) list.lastElementChild.remove();
  if (nearBottom || switched) list.scrollTop = list.scrollHeight;
  list.dataset.chat = String(chatId);
}
