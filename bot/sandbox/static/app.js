// The sandbox page: a group chat where you act as any rider, staff member or supervisor.

import { DIGEST_COMMAND, refreshComposer, setReply, setupComposer } from "./composer.js";
import { renderMessages, resetTimeFormat } from "./messages.js";
import {
  api, chatInfo, chatMessages, el, isStaff, persona, roleLabel, state, t, toast,
} from "./state.js";

const $ = (id) => document.getElementById(id);
const remembered = (key) => localStorage.getItem(`liaison-sandbox.${key}`);
const remember = (key, value) => localStorage.setItem(`liaison-sandbox.${key}`, String(value));

async function loadTexts(lang) {
  state.texts = await api(`/sandbox/texts/${lang}.json`);
  state.lang = lang;
  document.documentElement.lang = lang;
  resetTimeFormat();
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  for (const node of document.querySelectorAll("[data-t-placeholder]")) {
    node.placeholder = t(node.dataset.tPlaceholder);
  }
  for (const node of document.querySelectorAll("[data-t-title]")) node.title = t(node.dataset.tTitle);
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.classList.toggle("active", button.dataset.lang === lang);
  }
  document.title = t("title");
}

// A person with unread private messages gets a bell, so a rider's follow-up from the bot is
// noticed while acting as staff.
function personaLabel(person) {
  const unread = person.id === state.personaId ? 0 : state.unread.get(person.id) || 0;
  const role = person.rider ? t("role_rider") : roleLabel(person) || "—";
  return `${person.name} · ${role}${unread ? ` 🔔${unread}` : ""}`;
}

function fillPersonas() {
  const select = $("persona");
  const riders = state.setup.people.filter((p) => p.rider);
  const groups = [el("optgroup", { label: t("group_riders") },
    riders.map((p) => el("option", { value: p.id }, personaLabel(p))))];
  const listed = new Set(riders.map((p) => p.id));
  for (const chat of state.setup.chats) {
    if (chat.kind !== "department") continue;
    const members = state.setup.people.filter((p) => !listed.has(p.id)
      && p.posts.some((post) => post.department_id === chat.department_id));
    members.forEach((p) => listed.add(p.id));
    groups.push(el("optgroup", { label: chat.title }, members.map((p) =>
      el("option", { value: p.id }, personaLabel(p)))));
  }
  const others = state.setup.people.filter((p) => !listed.has(p.id));
  if (others.length) {
    groups.push(el("optgroup", { label: t("group_others") }, others.map((p) =>
      el("option", { value: p.id }, personaLabel(p)))));
  }
  select.replaceChildren(...groups);
  select.value = String(state.personaId);
}

function chatEntry(chat) {
  const unread = state.unread.get(chat.id) || 0;
  return el("button", {
    type: "button", class: `chat-entry ${chat.id === state.chatId ? "active" : ""}`,
    "data-chat-id": chat.id, onclick: () => openChat(chat.id),
  }, el("span", { class: "chat-name" }, chat.title),
  unread ? el("span", { class: "badge" }, String(unread)) : null);
}

function renderChats() {
  const sections = [["liaison", "chats_liaison"], ["department", "chats_department"],
    ["admins", "chats_admins"]];
  const nodes = [];
  for (const [kind, key] of sections) {
    const chats = state.setup.chats.filter((c) => c.kind === kind);
    if (chats.length) nodes.push(el("h3", {}, t(key)), ...chats.map(chatEntry));
  }
  nodes.push(el("h3", {}, t("chats_private")), chatEntry(chatInfo(state.personaId)));
  $("chats").replaceChildren(...nodes);
}

function renderHeader() {
  const chat = chatInfo(state.chatId);
  $("chat-title").textContent = chat?.title ?? "";
  const me = persona();
  $("chat-sub").textContent = t("you_are", { name: me.name, role: roleLabel(me) });
  const digest = $("digest");
  digest.hidden = chat?.kind === "private";
  const poster = isStaff(me) ? me : persona(chat?.digest_as);
  digest.textContent = `📋 ${t("digest_now")}`;
  digest.title = poster ? t("digest_hint", { name: poster.name, command: DIGEST_COMMAND }) : "";
}

function render() {
  renderChats();
  renderHeader();
  renderMessages($("messages"), state.chatId, setReply);
}

async function loadChat(chatId) {
  try {
    const { messages } = await api(`/_client/chats/${chatId}/messages`);
    const known = chatMessages(chatId);
    for (const view of messages) known.set(view.message_id, view);
  } catch {
    // A private chat nobody opened yet has no history; it appears with the first message.
  }
  state.loaded.add(chatId);
}

async function openChat(chatId) {
  state.chatId = chatId;
  state.unread.delete(chatId);
  remember("chat", chatId);
  setReply(null);
  if (!state.loaded.has(chatId)) await loadChat(chatId);
  render();
}

function changePersona(id) {
  const wasPrivate = chatInfo(state.chatId)?.kind === "private";
  state.personaId = id;
  fillPersonas();
  remember("persona", id);
  refreshComposer();
  if (wasPrivate) openChat(id);
  else render();
}

function received(view, isNew) {
  const messages = chatMessages(view.chat_id);
  messages.set(view.message_id, view);
  if (view.chat_id === state.chatId) {
    renderMessages($("messages"), state.chatId, setReply);
  } else if (isNew && view.from.id !== state.personaId) {
    state.unread.set(view.chat_id, (state.unread.get(view.chat_id) || 0) + 1);
    renderChats();
    if (persona(view.chat_id)) fillPersonas();
  }
}

let connected = false;

function showConnection() {
  const connection = $("connection");
  connection.className = `connection ${connected ? "up" : "down"}`;
  connection.textContent = t(connected ? "connected" : "disconnected");
}

function listen() {
  const events = new EventSource("/_client/events");
  events.onopen = () => { connected = true; showConnection(); };
  events.onerror = () => { connected = false; showConnection(); };
  events.addEventListener("message", (e) => received(JSON.parse(e.data).message, true));
  events.addEventListener("edited", (e) => received(JSON.parse(e.data).message, false));
  events.addEventListener("deleted", (e) => received(JSON.parse(e.data).message, false));
  events.addEventListener("callback_answer", (e) => {
    const answer = JSON.parse(e.data);
    if (answer.text) toast(t("bot_answer", { text: answer.text }), answer.show_alert ? "alert" : "info");
  });
}

// Chromium keeps the font it chose for text drawn while a web font was still loading, even
// after it loads: Chinese drawn before the page's CJK font arrived stayed boxes. So the font
// is loaded before any text is put on the page (it is local, and quick).
async function loadFonts() {
  try {
    await document.fonts.load('16px "Liaison CJK"', "联络群");
  } catch (error) {
    console.warn("the CJK font did not load", error);
  }
  for (const node of document.querySelectorAll("[data-name]")) node.textContent = node.dataset.name;
}

async function start() {
  await loadFonts();
  state.setup = await api("/sandbox/setup.json");
  await loadTexts(remembered("lang") || state.setup.language);
  const people = state.setup.people;
  const savedPersona = Number(remembered("persona"));
  state.personaId = people.some((p) => p.id === savedPersona) ? savedPersona
    : people.find((p) => p.rider)?.id ?? people[0].id;
  const savedChat = Number(remembered("chat"));
  const chatIds = state.setup.chats.map((c) => c.id);
  state.chatId = chatIds.includes(savedChat) ? savedChat : chatIds[0] ?? state.personaId;
  fillPersonas();
  setupComposer();
  $("persona").addEventListener("change", (e) => changePersona(Number(e.target.value)));
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.addEventListener("click", async () => {
      remember("lang", button.dataset.lang);
      await loadTexts(button.dataset.lang);
      showConnection();
      fillPersonas();
      refreshComposer();
      render();
    });
  }
  listen();
  await openChat(state.chatId);
  document.body.dataset.ready = "true";
}

start().catch((error) => {
  document.body.prepend(el("p", { class: "fatal" }, String(error)));
});
