// The sandbox's WeCom view: the department's work group as its members see it. Write to the
// bot (it is @-mentioned for you) or press a card's button as one of the members.

import { $, api, readPhoto, startView, t } from "/static/view.js";

const state = { members: [], shown: "" };

function fillMembers() {
  const select = $("member");
  const chosen = select.value;
  select.replaceChildren(...state.members.map((m) => {
    const option = document.createElement("option");
    option.value = m.userid;
    option.textContent = `${m.name} · ${t(`wecom.post_${m.post}`)}`;
    return option;
  }));
  if (chosen) select.value = chosen;
}

function item(post) {
  const li = document.createElement("li");
  if (post.card) {
    li.className = post.updated ? "card updated" : "card";
    const [title, ...rest] = post.card.text.split("\n");
    const head = document.createElement("div");
    head.className = "title";
    head.textContent = title;
    const body = document.createElement("div");
    body.textContent = rest.join("\n");
    const buttons = document.createElement("div");
    buttons.className = "buttons";
    for (const b of post.card.buttons) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = b.text;
      button.addEventListener("click", () => press(post.card.task_id, b.key));
      buttons.append(button);
    }
    li.append(head, body, buttons);
  } else if (post.image) {
    const img = document.createElement("img");
    img.src = post.image;
    img.alt = t("wecom.photo");
    li.append(img);
  } else {
    li.textContent = post.text;
  }
  return li;
}

async function refresh() {
  const view = await api("/sandbox/wecom/state.json");
  $("group-title").textContent = view.group.title;
  if (!state.members.length) {
    state.members = view.members;
    fillMembers();
  }
  const shown = JSON.stringify(view.posts);
  if (shown === state.shown) return;
  state.shown = shown;
  const list = $("posts");
  list.replaceChildren(...view.posts.map(item));
  list.scrollTop = list.scrollHeight;
}

async function press(taskId, key) {
  await api("/sandbox/wecom/press", { userid: $("member").value, task_id: taskId, key });
  setTimeout(refresh, 300);
}

$("composer").addEventListener("submit", async (event) => {
  event.preventDefault();
  const file = $("photo").files[0];
  const body = { userid: $("member").value, text: $("text").value };
  if (file) body.image = await readPhoto(file);
  if (!body.text.trim() && !file) return;
  await api("/sandbox/wecom/say", body);
  $("text").value = "";
  $("photo").value = "";
  setTimeout(refresh, 300);
});

await startView("企业微信工作群", { onTexts: fillMembers, refresh });
