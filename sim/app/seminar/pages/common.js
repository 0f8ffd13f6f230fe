// Shared by both pages. Everything a person typed is set with textContent: never parsed as markup.
"use strict";

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

async function call(url, body) {
  const options = body === undefined ? {} :
    {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)};
  const answer = await fetch(url, options);
  let data = {};
  try { data = await answer.json(); } catch (e) { data = {error: "the server did not answer"}; }
  if (!answer.ok) throw new Error(data.error || ("refused: " + answer.status));
  return data;
}

function percent(share) { return Math.round(100 * (share || 0)) + "%"; }

// One table per asked state: each word and deed, how many students chose it, the model's share (once revealed),
// the no-model rule's answer and what was observed (once revealed); then the students' reasons by prediction.
function renderReveal(box, reveal, variants, observedLabel) {
  box.replaceChildren();
  for (const a of reveal.actors) {
    const card = el("div", null, "card");
    box.append(card);
    card.append(el("h3", a.name + " (" + a.code + ")"));
    const table = el("table");
    const head = el("tr");
    const columns = ["", "class"];
    if (a.model) columns.push("model");
    for (const v of variants || []) columns.push("variant " + v.number);
    if (a.model) columns.push("rule");
    if (a.observed) columns.push(observedLabel);
    for (const c of columns) head.append(el("th", c));
    table.append(head);
    const students = Object.values(a["class"].words).reduce((x, y) => x + y, 0);
    for (const axis of ["words", "deeds"]) {
      for (const value of Object.keys(a["class"][axis])) {
        const row = el("tr");
        const truth = a.observed && a.observed[axis] === value;
        if (truth) row.className = "truth";
        row.append(el("td", (axis === "words" ? "says: " : "does: ") + value));
        row.append(el("td", a["class"][axis][value] + " of " + students, "num"));
        if (a.model) row.append(el("td", percent(a.model[axis][value]), "num"));
        for (const v of variants || []) {
          const shares = (v.shares[a.code] || {})[axis] || {};
          row.append(el("td", percent(shares[value]), "num"));
        }
        if (a.model) row.append(el("td", a.rule[axis] === value ? "\u2713" : ""));
        if (a.observed) row.append(el("td", truth ? "\u2713" : ""));
        table.append(row);
      }
    }
    card.append(table);
    if (a.observed) {
      for (const axis of ["words", "deeds"]) {
        if (a.observed.sources && a.observed.sources[axis]) {
          card.append(el("p", "Source (" + axis + "): " + a.observed.sources[axis], "muted"));
        }
      }
    }
    const groups = Object.entries(a.reasons || {});
    if (groups.length) {
      card.append(el("p", "Why, in the class's words:", "muted"));
      for (const [prediction, reasons] of groups) {
        card.append(el("div", prediction + " (" + reasons.length + ")"));
        const list = el("ul", null, "reasons");
        for (const r of reasons) list.append(el("li", r));
        card.append(list);
      }
    }
  }
}
