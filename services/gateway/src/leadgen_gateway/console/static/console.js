// leadgen console: the live campaign page (server-sent events) and the review queue's
// keyboard shortcuts. Plain JS, no build step; every page works without it but these two.
"use strict";

function dig(value, path) {
  return path.split(".").reduce((v, key) => (v == null ? v : v[key]), value);
}

function shown(path, value) {
  if (value == null || value === "") return "—";
  if (path.startsWith("cost.")) return Number(value).toFixed(2);
  if (typeof value === "string" && /^\d{4}-\d\d-\d\dT/.test(value)) {
    return value.slice(0, 19).replace("T", " ");
  }
  return String(value);
}

function render(root, state) {
  root.querySelectorAll("[data-live]").forEach((el) => {
    const path = el.dataset.live;
    if (path === "connection") return;
    const value = dig(state, path);
    if (path === "failureReason") {
      el.hidden = !value;
      el.textContent = value || "";
      return;
    }
    const text = shown(path, value);
    if (el.textContent !== text) el.textContent = text;
    if (path === "status") el.className = "status status-" + value;
  });
  const discovered = state.progress.discovered || 0;
  root.querySelectorAll("[data-bar]").forEach((el) => {
    const n = state.progress[el.dataset.bar] || 0;
    el.style.width = (discovered ? Math.round((100 * n) / discovered) : 0) + "%";
  });
}

function finish(root) {
  root.dataset.terminal = "true";
  root.querySelectorAll("[data-control]").forEach((b) => (b.disabled = true));
  const dot = root.querySelector('[data-live="connection"]');
  if (dot) dot.textContent = "final";
}

function liveCampaign(root) {
  if (root.dataset.terminal === "true") return;
  const source = new EventSource("/console/campaigns/" + root.dataset.campaign + "/events");
  source.onmessage = (event) => {
    const state = JSON.parse(event.data);
    render(root, state);
    if (["completed", "failed", "cancelled"].includes(state.status)) finish(root);
  };
  source.addEventListener("end", () => { source.close(); finish(root); });
}

function reviewShortcuts(form) {
  const rows = () => Array.from(form.querySelectorAll(".prospect"));
  const current = () => document.activeElement && document.activeElement.closest(".prospect");
  function move(step) {
    const all = rows();
    const at = all.indexOf(current());
    const next = all[Math.max(0, Math.min(all.length - 1, at + step))] || all[0];
    if (next) next.focus();
  }
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const tag = (event.target.tagName || "").toLowerCase();
    if (["input", "textarea", "select"].includes(tag) && event.target.type !== "checkbox") return;
    const row = current();
    const key = event.key;
    if (key === "j") { move(1); event.preventDefault(); }
    else if (key === "k") { move(-1); event.preventDefault(); }
    else if (key === "a") {
      form.querySelectorAll('input[name="ids"]').forEach((box) => (box.checked = true));
      event.preventDefault();
    } else if (row && key === "x") {
      const box = row.querySelector('input[name="ids"]');
      if (box) box.checked = !box.checked;
      event.preventDefault();
    } else if (row && (key === "c" || key === "r")) {
      const button = row.querySelector('button[data-key="' + key + '"]');
      if (button) { event.preventDefault(); form.requestSubmit(button); }
    }
  });
  form.addEventListener("change", (event) => {
    const row = event.target.closest(".prospect");
    if (row) row.classList.toggle("selected", event.target.checked);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const live = document.getElementById("live");
  if (live) liveCampaign(live);
  const review = document.getElementById("review-form");
  if (review) reviewShortcuts(review);
});
