// Shared state of the page and the small helpers every part uses.

export const state = {
  setup: null,          // /sandbox/setup.json
  texts: {},            // the page catalog in the chosen language
  lang: "zh",
  personaId: null,
  chatId: null,
  replyTo: null,        // a message view the next post replies to
  photos: [],           // File objects waiting to be sent
  messages: new Map(),  // chat id -> Map(message id -> view)
  loaded: new Set(),    // chats whose history was fetched
  unread: new Map(),    // chat id -> count
  commands: [],         // [{command, description}] the bot published
};

export function t(key, params = {}) {
  const template = state.texts[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

export async function api(path, options = {}) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

export function postJson(path, body) {
  return api(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

export function persona(id = state.personaId) {
  return state.setup.people.find((p) => p.id === id);
}

export function isStaff(person) {
  return Boolean(person && (person.admin || person.posts.length));
}

// Private chats with the bot have the person's own id as chat id.
export function chatInfo(chatId) {
  const configured = state.setup.chats.find((c) => c.id === chatId);
  if (configured) return configured;
  const owner = persona(chatId);
  return owner ? { id: chatId, kind: "private", title: t("private_with_bot", { name: owner.name }) }
    : null;
}

export function chatMessages(chatId) {
  if (!state.messages.has(chatId)) state.messages.set(chatId, new Map());
  return state.messages.get(chatId);
}

export function roleLabel(person) {
  if (!person) return "";
  if (person.rider) return t("role_rider");
  const parts = person.posts.map((p) =>
    `${state.lang === "zh" ? p.department : p.department_en} ${t("role_" + p.post)}`);
  if (person.admin) parts.push(t("role_admin"));
  return parts.join(" · ");
}

export function toast(text, kind = "info") {
  const box = document.getElementById("toasts");
  const item = document.createElement("div");
  item.className = `toast ${kind}`;
  item.textContent = text;
  box.append(item);
  setTimeout(() => item.remove(), kind === "alert" ? 8000 : 4000);
}

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}
