"use strict";
// The students' page: join, predict once, then see the answers when the instructor reveals them.
const KEY = "geosim-seminar-student";
let current = null;
let formFor = "";

function problem(message) { document.getElementById("error").textContent = message || ""; }

async function join() {
  try {
    const data = await call("/api/join", {nickname: document.getElementById("nickname").value});
    localStorage.setItem(KEY, data.student);
    problem("");
    await refresh();
  } catch (e) { problem(e.message); }
}

function question(actor, words, deeds, meanings) {
  const box = el("fieldset");
  box.dataset.actor = actor.code;
  box.append(el("legend", actor.name));
  for (const [axis, values, label] of [["words", words, "What will it say?"], ["deeds", deeds, "What will it do?"]]) {
    box.append(el("div", label));
    const row = el("div", null, "choices");
    for (const value of values) {
      const option = el("label");
      const input = document.createElement("input");
      input.type = "radio"; input.name = actor.code + "-" + axis; input.value = value; input.required = true;
      option.append(input, document.createTextNode(meanings[value] || value));
      row.append(option);
    }
    box.append(row);
  }
  const reason = document.createElement("input");
  reason.type = "text"; reason.maxLength = 200; reason.placeholder = "why, in one line (optional)";
  reason.name = actor.code + "-reason";
  box.append(reason);
  return box;
}

async function send(event) {
  event.preventDefault();
  const answers = {};
  for (const box of document.querySelectorAll("#questions fieldset")) {
    const code = box.dataset.actor;
    const pick = (axis) => { const c = box.querySelector("input[name='" + code + "-" + axis + "']:checked");
                             return c ? c.value : null; };
    answers[code] = {words: pick("words"), deeds: pick("deeds"),
                     reason: box.querySelector("input[type=text]").value};
  }
  document.getElementById("send").disabled = true;
  try {
    await call("/api/predict", {student: localStorage.getItem(KEY), answers: answers});
    problem("");
    document.getElementById("status").textContent = "Received. Wait for the answers.";
  } catch (e) { problem(e.message); }
  document.getElementById("send").disabled = false;
  await refresh();
}

function showMine(state) {
  const rows = document.getElementById("mine-rows");
  rows.replaceChildren();
  for (const a of state.actors) {
    const p = state.own[a.code];
    if (!p) continue;
    const row = el("tr");
    for (const text of [a.name, p.words, p.deeds, p.reason]) row.append(el("td", text));
    rows.append(row);
  }
  document.getElementById("mine").hidden = Object.keys(state.own).length === 0;
}

async function refresh() {
  let state;
  try { state = await call("/api/state?student=" + encodeURIComponent(localStorage.getItem(KEY) || "")); }
  catch (e) { problem(e.message); return; }
  current = state;
  document.getElementById("title").textContent = state.title;
  document.getElementById("event").textContent = state.event;
  const joined = !!state.me;
  document.getElementById("join").hidden = joined;
  const submitted = Object.keys(state.own).length > 0;
  const form = document.getElementById("form");
  const status = document.getElementById("status");
  if (!joined) { form.hidden = true; status.textContent = ""; }
  else {
    const who = state.me.nickname || ("student " + state.me.number);
    if (state.phase === "open" && !submitted) {
      const signature = state.actors.map((a) => a.code).join(",");
      if (formFor !== signature) {
        const questions = document.getElementById("questions");
        questions.replaceChildren(...state.actors.map((a) => question(a, state.words, state.deeds, state.meanings)));
        formFor = signature;
      }
      form.hidden = false;
      status.textContent = "You are " + who + ". For each state: what will it say, and what will it do?";
    } else {
      form.hidden = true;
      status.textContent = "You are " + who + ". " + ({setup: "Predictions are not open yet.",
        open: "Received. Wait for the answers.", closed: "Predictions are closed. Wait for the answers.",
        model: "The model has answered.", history: "History has answered."}[state.phase] || "");
    }
  }
  showMine(state);
  const reveal = document.getElementById("reveal");
  reveal.hidden = !state.reveal;
  if (state.reveal) renderReveal(document.getElementById("reveal-body"), state.reveal, [], "observed");
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("join-button").addEventListener("click", join);
  document.getElementById("form").addEventListener("submit", send);
  refresh();
  setInterval(refresh, 2000);
});
