"use strict";
// The instructor's page: its address holds the round's secret, and every change it asks for carries it.
const BASE = "/api/teach/" + location.pathname.split("/").pop();
let chosenFor = "";

function problem(message) { document.getElementById("error").textContent = message || ""; }

async function act(action, body) {
  try { const data = await call(BASE + "/" + action, body); problem(""); await refresh(); return data; }
  catch (e) { problem(e.message); return null; }
}

async function refresh() {
  let s;
  try { s = await call(BASE + "/state"); } catch (e) { problem(e.message); return; }
  document.getElementById("title").textContent = s.title;
  document.getElementById("event").textContent = s.event;
  document.getElementById("join-url").textContent = s.join_url;
  document.getElementById("counts").textContent =
    s.joined + " of " + s.capacity + " joined, " + s.done + " sent their predictions";
  document.getElementById("phase").textContent = "Phase: " + s.phase;
  const order = ["setup", "open", "closed", "model", "history"];
  const next = order[order.indexOf(s.phase) + 1];
  for (const b of document.querySelectorAll("button[data-phase]")) b.classList.toggle("main", b.dataset.phase === next);
  document.getElementById("setup").hidden = s.phase !== "setup";
  document.getElementById("reveal-history").hidden = !s.has_observed;
  document.getElementById("reveal-history").textContent = s.history ? "Reveal what happened" :
    "Reveal what the source expected";
  document.getElementById("variant-box").hidden = !(s.phase === "model" || s.phase === "history");
  const signature = s.candidates.map((c) => c.code).join(",") + "|" + s.actors.join(",");
  if (chosenFor !== signature) {
    const box = document.getElementById("candidates");
    box.replaceChildren();
    for (const c of s.candidates) {
      const label = el("label");
      const input = document.createElement("input");
      input.type = "checkbox"; input.value = c.code; input.checked = s.actors.includes(c.code);
      label.append(input, document.createTextNode(c.name));
      box.append(label);
    }
    chosenFor = signature;
  }
  const sc = s.reveal.scores;
  document.getElementById("scores").textContent = sc ?
    "Right answers on " + sc.questions + " questions: the class " + (sc["class"] === null ? "-" : sc["class"] + "%") +
    " on average (its majority: " + sc.class_majority + "), the model " + sc.model + ", the rule that runs no model " +
    sc.rule + "." : "";
  renderReveal(document.getElementById("reveal-body"), s.reveal, s.variants,
               s.history ? "observed" : "source expected");
}

document.addEventListener("DOMContentLoaded", () => {
  for (const b of document.querySelectorAll("button[data-phase]")) {
    b.addEventListener("click", () => act("phase", {phase: b.dataset.phase}));
  }
  document.getElementById("save-actors").addEventListener("click", () => {
    const actors = [...document.querySelectorAll("#candidates input:checked")].map((i) => i.value);
    act("actors", {actors: actors});
  });
  document.getElementById("run-variant").addEventListener("click", async () => {
    const settings = document.getElementById("settings").value.split("\n").map((x) => x.trim()).filter(Boolean);
    document.getElementById("run-variant").disabled = true;
    await act("variant", {settings: settings});
    document.getElementById("run-variant").disabled = false;
  });
  document.getElementById("finish").addEventListener("click", async () => {
    const data = await act("finish", {});
    if (data) document.getElementById("written").textContent = "Written: " + data.written.join(", ");
  });
  refresh();
  setInterval(refresh, 2000);
});
