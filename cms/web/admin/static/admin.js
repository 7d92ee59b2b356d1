// Small progressive enhancement of the editor's page; everything works without it.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // An alert that came with the page gets the focus, so that keyboard and screen-reader users meet it first.
  const alert = document.querySelector("main [role=alert]");
  if (alert) { alert.setAttribute("tabindex", "-1"); alert.focus(); }
  // Leaving the editor with unsaved text asks first.
  const form = document.querySelector("form[data-keep-text]");
  if (!form) return;
  let dirty = false;
  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("submit", () => { dirty = false; });
  window.addEventListener("beforeunload", (event) => { if (dirty) event.preventDefault(); });
});
