// The review page: lists candidates beside their passages (evidence highlighted) and posts
// accept / edit / reject to the JSON API. No libraries, so it works offline.
"use strict";

const list = document.getElementById("list");
const statusSelect = document.getElementById("status");
const summary = document.getElementById("summary");

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const child of children) node.append(child);
  return node;
}

// The excerpt with the evidence words marked; whitespace may differ, so match it loosely.
function highlighted(excerpt, evidence) {
  const box = el("span", { class: "excerpt" });
  const words = evidence.trim().split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const match = words.length && words[0] ? new RegExp(words.join("\\s+")).exec(excerpt) : null;
  if (!match) {
    box.append(excerpt);
    if (evidence) box.append(" — evidence: ", el("mark", {}, evidence));
    return box;
  }
  box.append(excerpt.slice(0, match.index), el("mark", {}, match[0]), excerpt.slice(match.index + match[0].length));
  return box;
}

async function act(c, action, card) {
  const options = { method: "POST", headers: { "Content-Type": "application/json" } };
  if (action === "edit") {
    const value = window.prompt(`New value for the object of ${c.id}:`, c.object);
    if (value === null) return;
    options.body = JSON.stringify({ object: value });
  }
  const response = await fetch(`/api/candidates/${c.id}/${action}`, options);
  const answer = await response.json();
  if (!response.ok) {
    card.querySelector(".error").textContent = answer.error;
    return;
  }
  card.replaceWith(render(answer));
}

function render(c) {
  const card = el("section", { class: "candidate", "data-id": c.id, "data-status": c.status });
  const fact = el("div", {},
    el("div", { class: "fact" }, c.triple),
    el("div", { class: "meta" }, `${c.id} · ${c.kind} · ${c.method} · confidence ${c.confidence} · `,
      el("span", { class: "status" }, c.status)),
    el("div", { class: "error" }));
  if (c.status === "proposed") {
    const actions = el("div", { class: "actions" });
    for (const [action, label] of [["accept", "Accept"], ["edit", "Edit"], ["reject", "Reject"]]) {
      const button = el("button", { type: "button", "data-action": action }, label);
      button.addEventListener("click", () => act(c, action, card));
      actions.append(button);
    }
    fact.append(actions);
  }
  const passage = el("div", { class: "passage" },
    el("div", { class: "where" }, `${c.document} · ${c.locator}`), highlighted(c.excerpt, c.evidence));
  card.append(fact, passage);
  return card;
}

async function load() {
  const response = await fetch(`/api/candidates?status=${encodeURIComponent(statusSelect.value)}`);
  const candidates = await response.json();
  list.replaceChildren(...candidates.map(render));
  summary.textContent = `${candidates.length} candidates`;
}

statusSelect.addEventListener("change", load);
load();
