// Posting as the chosen person: text and commands, photos, locations, the digest button.

import { AreaMap } from "./map.js";
import { api, el, isStaff, persona, postJson, state, t, toast } from "./state.js";

const $ = (id) => document.getElementById(id);
let areaMap = null;

function messagesUrl(chatId = state.chatId) {
  return `/_client/chats/${chatId}/messages`;
}

async function guarded(action) {
  try {
    await action();
  } catch (error) {
    toast(t("error", { error: error.message }), "alert");
  }
}

export function setReply(view) {
  state.replyTo = view;
  $("reply-bar").hidden = !view;
  if (view) {
    const who = view.from.is_bot ? view.from.name : persona(view.from.id)?.name ?? view.from.name;
    $("reply-label").textContent = t("replying_to", { name: who });
    $("text").focus();
  }
}

function replyField() {
  return state.replyTo ? { reply_to_message_id: state.replyTo.message_id } : {};
}

async function sendText(event) {
  event.preventDefault();
  const text = $("text").value.trim();
  if (!text) return;
  await guarded(async () => {
    await postJson(messagesUrl(), { user_id: state.personaId, text, ...replyField() });
    $("text").value = "";
    setReply(null);
  });
}

function choosePhotos() {
  state.photos = [...$("photo-input").files];
  $("photo-input").value = "";
  if (!state.photos.length) return;
  $("photo-previews").replaceChildren(
    el("span", { class: "hint" }, t("photos_selected", { count: state.photos.length })),
    ...state.photos.map((file) => el("img", { src: URL.createObjectURL(file), alt: file.name })));
  $("caption").value = $("text").value;
  $("photo-bar").hidden = false;
  $("caption").focus();
}

function closePhotos() {
  state.photos = [];
  $("photo-bar").hidden = true;
}

async function sendPhotos() {
  if (!state.photos.length) return;
  const form = new FormData();
  form.append("user_id", String(state.personaId));
  const caption = $("caption").value.trim();
  if (caption) form.append("caption", caption);
  if (state.photos.length === 1) {
    form.append("photo", state.photos[0], state.photos[0].name);
    if (state.replyTo) form.append("reply_to_message_id", String(state.replyTo.message_id));
  } else {
    for (const file of state.photos) form.append("photos", file, file.name);
  }
  await guarded(async () => {
    await api(messagesUrl(), { method: "POST", body: form });
    if (caption && caption === $("text").value.trim()) $("text").value = "";
    closePhotos();
    setReply(null);
  });
}

function placeName(place) {
  return state.lang === "en" && place.name_en ? place.name_en : place.name;
}

function fillPlaces() {
  const select = $("place");
  select.replaceChildren(el("option", { value: "" }, t("place_none")),
    ...state.setup.places.map((place, index) =>
      el("option", { value: String(index) }, placeName(place))));
}

function picked(lat, lon, place) {
  $("lat").value = lat;
  $("lon").value = lon;
  $("place").value = place ? String(state.setup.places.indexOf(place)) : "";
}

function openLocation() {
  const panel = $("location-panel");
  panel.hidden = !panel.hidden;
  if (panel.hidden) return;
  if (!areaMap) {
    areaMap = new AreaMap($("map"), state.setup, { onPick: picked, placeName });
    areaMap.showTiles($("tiles").checked);
  }
  fillPlaces();
}

function choosePlace() {
  const place = state.setup.places[Number($("place").value)];
  if (!$("place").value || !place) return;
  picked(place.lat, place.lon, place);
  areaMap?.setPin(place.lat, place.lon);
}

function typedCoordinates() {
  const lat = Number.parseFloat($("lat").value);
  const lon = Number.parseFloat($("lon").value);
  areaMap?.setPin(lat, lon);
}

async function sendLocation() {
  const latitude = Number.parseFloat($("lat").value);
  const longitude = Number.parseFloat($("lon").value);
  if (!(Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180)) {
    toast(t("bad_coordinates"), "alert");
    return;
  }
  const place = $("place").value ? state.setup.places[Number($("place").value)] : null;
  // A picked place goes out as a venue, as a phone sends it, so the card can name it.
  const venue = place
    ? { title: placeName(place), address: state.texts[`place_kind_${place.kind}`] ?? "" } : {};
  await guarded(async () => {
    await postJson(messagesUrl(), {
      user_id: state.personaId, latitude, longitude, ...venue, ...replyField(),
    });
    $("location-panel").hidden = true;
    setReply(null);
  });
}

// The menu Telegram would show this person here: the most specific scope that has commands,
// in the page's language first.
function scopeKeys(chatId, userId) {
  const isPrivate = chatId === userId;
  const scopes = isPrivate
    ? [`chat:${chatId}:`, "all_private_chats::", "default::"]
    : [`chat_member:${chatId}:${userId}`, `chat:${chatId}:`, "all_group_chats::", "default::"];
  return scopes.flatMap((scope) => [`${scope}|${state.lang}`, `${scope}|`]);
}

async function loadCommands() {
  const { commands } = await api("/_client/bot");
  const key = scopeKeys(state.chatId, state.personaId).find((k) => commands[k]?.length);
  state.commands = key ? commands[key] : [];
}

async function toggleCommands() {
  const menu = $("command-menu");
  if (!menu.hidden) { menu.hidden = true; return; }
  await guarded(loadCommands);
  menu.replaceChildren(...state.commands.map((item) => el("button", {
    type: "button", class: "command",
    onclick: () => { $("text").value = `/${item.command} `; menu.hidden = true; $("text").focus(); },
  }, el("code", {}, `/${item.command}`), el("span", {}, item.description))));
  menu.hidden = false;
}

// Today's figures so far: yesterday's (the command's default) are empty in a new sandbox.
export const DIGEST_COMMAND = "/digest today";

// Staff post the digest themselves; for a rider the chat's overseer does it.
async function sendDigest() {
  const chat = state.setup.chats.find((c) => c.id === state.chatId);
  const me = persona();
  const poster = isStaff(me) ? me : persona(chat?.digest_as);
  if (!poster) return;
  await guarded(async () => {
    await postJson(messagesUrl(), { user_id: poster.id, text: DIGEST_COMMAND });
    toast(t("digest_sent", { name: poster.name, command: DIGEST_COMMAND }));
  });
}

export function setupComposer() {
  $("composer").addEventListener("submit", sendText);
  $("photo-input").addEventListener("change", choosePhotos);
  $("photo-send").addEventListener("click", sendPhotos);
  $("photo-cancel").addEventListener("click", closePhotos);
  $("location-open").addEventListener("click", openLocation);
  $("location-cancel").addEventListener("click", () => { $("location-panel").hidden = true; });
  $("location-send").addEventListener("click", sendLocation);
  $("place").addEventListener("change", choosePlace);
  $("lat").addEventListener("change", typedCoordinates);
  $("lon").addEventListener("change", typedCoordinates);
  $("tiles").addEventListener("change", () => areaMap?.showTiles($("tiles").checked));
  $("commands-open").addEventListener("click", toggleCommands);
  $("reply-cancel").addEventListener("click", () => setReply(null));
  $("digest").addEventListener("click", sendDigest);
}

export function refreshComposer() {
  if (!$("location-panel").hidden) fillPlaces();
  $("command-menu").hidden = true;
}
