// Skip logic of the screening form, as the page is filled in: each question carries its
// `data-ask-when` clauses (the same data and the same rule as protection/rules.py's `applies`,
// which the server applies again on save, dropping answers to questions that do not apply).
// A clause is a condition or a list of conditions (one is enough); an unanswered fact blocks the
// question unless the condition says {"unknown": "ask"}; a hidden question counts as unanswered.
(function () {
  "use strict";
  const form = document.querySelector("form.screening-form");
  if (!form) return;
  const NO_ANSWER = new Set(["", "unknown", "prefers_not"]);
  const facts = JSON.parse(form.dataset.facts || "{}");
  const questions = Array.from(form.querySelectorAll("[data-question]"));
  let hidden = new Set();

  function read(code) {
    if (hidden.has(code)) return "";
    const inputs = form.querySelectorAll(`[name="q_${code}"]`);
    if (!inputs.length) return code in facts ? facts[code] : "";
    const first = inputs[0];
    if (first.type === "checkbox") return Array.from(inputs).filter((i) => i.checked).map((i) => i.value);
    if (first.type === "radio") {
      const checked = Array.from(inputs).find((i) => i.checked);
      return checked ? checked.value : "";
    }
    return first.value.trim();
  }

  function unanswered(value) {
    return Array.isArray(value) ? value.length === 0 : NO_ANSWER.has(String(value ?? ""));
  }

  function holds(cond, value) {
    const op = cond.op || "eq";
    const expected = cond.value;
    if (Array.isArray(value)) {
      if (op === "eq") return value.includes(String(expected));
      if (op === "ne") return !value.includes(String(expected));
      if (op === "in") return value.some((v) => (expected || []).map(String).includes(v));
      return false;
    }
    if (op === "eq") return String(value) === String(expected);
    if (op === "ne") return String(value) !== String(expected);
    if (op === "in") return (expected || []).map(String).includes(String(value));
    const n = Number(value);
    const b = Number(expected);
    if (Number.isNaN(n) || Number.isNaN(b) || String(value).trim() === "") return false;
    return { lt: n < b, lte: n <= b, gt: n > b, gte: n >= b }[op] || false;
  }

  function allows(cond) {
    const value = read(cond.q);
    if (unanswered(value)) return cond.unknown === "ask";
    return holds(cond, value);
  }

  function asked(clauses) {
    return clauses.every((clause) => (Array.isArray(clause) ? clause.some(allows) : allows(clause)));
  }

  function update() {
    // A few passes: a question may depend on one shown or hidden further down (an observation).
    for (let pass = 0; pass < 4; pass += 1) {
      const next = new Set();
      for (const q of questions) {
        const clauses = JSON.parse(q.dataset.askWhen || "[]");
        if (clauses.length && !asked(clauses)) next.add(q.dataset.question);
      }
      const same = next.size === hidden.size && Array.from(next).every((c) => hidden.has(c));
      hidden = next;
      if (same) break;
    }
    for (const q of questions) {
      const off = hidden.has(q.dataset.question);
      q.hidden = off;
      q.querySelectorAll("input, select, textarea").forEach((el) => { el.disabled = off; });
    }
    form.querySelectorAll("fieldset[data-section]").forEach((fs) => {
      fs.hidden = !fs.querySelector("[data-question]:not([hidden])");
    });
  }

  form.addEventListener("change", update);
  form.addEventListener("input", (event) => { if (event.target.type === "number") update(); });
  update();
})();
