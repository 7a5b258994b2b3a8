// What the sandbox's platform views (wecom.js, wechat.js) share: the page API, the texts in
// the chosen language, reading an attached photo, and starting once the CJK font is in.

export const $ = (id) => document.getElementById(id);

export const texts = { all: {}, lang: localStorage.getItem("liaison-sandbox.lang") || "zh" };
export const t = (key) => texts.all[key] ?? key;

export async function api(path, body) {
  const response = await fetch(path, body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(await response.text());
  return response.json();
}

export async function loadTexts(lang) {
  texts.all = await api(`/sandbox/texts/${lang}.json`);
  texts.lang = lang;
  localStorage.setItem("liaison-sandbox.lang", lang);
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  for (const node of document.querySelectorAll("[data-t-placeholder]")) {
    node.placeholder = t(node.dataset.tPlaceholder);
  }
  for (const node of document.querySelectorAll("[data-t-title]")) node.title = t(node.dataset.tTitle);
}

export function readPhoto(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1]);
    reader.onerror = reject;
    reader.readAsDataURL(file);
  });
}

// As on the main page: the CJK font is loaded before any Chinese is drawn, or Chromium keeps
// the boxes it drew while it was loading. `onTexts` runs after each change of language;
// `refresh` then every second.
export async function startView(sample, { onTexts, refresh }) {
  try {
    await document.fonts.load('16px "Liaison CJK"', sample);
  } catch (error) {
    console.warn("the CJK font did not load", error);
  }
  for (const node of document.querySelectorAll("[data-name]")) node.textContent = node.dataset.name;
  const switchTo = async (lang) => { await loadTexts(lang); onTexts(); };
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.addEventListener("click", () => switchTo(button.dataset.lang));
  }
  await switchTo(texts.lang);
  await refresh();
  setInterval(refresh, 1000);
  document.body.dataset.ready = "true";
}
