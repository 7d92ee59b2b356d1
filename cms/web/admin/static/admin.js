// Small progressive enhancement of the editor's page; everything works without it (the arranging buttons then
// post the form and the server shows it again, not saved).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // An alert that came with the page gets the focus, so that keyboard and screen-reader users meet it first.
  const alert = document.querySelector("main [role=alert]");
  if (alert) { alert.setAttribute("tabindex", "-1"); alert.focus(); }
  // Leaving the editor with unsaved text asks first.
  const form = document.querySelector("form[data-keep-text]");
  if (!form) return;
  let dirty = form.hasAttribute("data-unsaved");
  enhance(form);
  const kept = unsavedWork(form);
  form.addEventListener("input", (event) => {
    dirty = true;
    if (event.target.matches("[data-heading]")) refresh(form);
    kept.later();
  });
  form.addEventListener("change", () => { dirty = true; kept.later(); });
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (button && arrange(form, button)) { event.preventDefault(); dirty = true; kept.now(); }
  });
  form.addEventListener("keydown", (event) => {
    const menu = event.target.closest(".block-menu");
    if (event.key === "Escape" && menu && !menu.hidden) {
      event.preventDefault();
      closeMenu(menu, true);
    }
  });
  form.addEventListener("submit", (event) => {
    layout(form);
    if (event.submitter && event.submitter.value === "upload") {
      event.preventDefault();
      uploadImage(form, event.submitter).then((inserted) => { dirty = dirty || inserted; kept.now(); });
      return;
    }
    dirty = false;
  });
  window.addEventListener("beforeunload", (event) => { if (dirty) event.preventDefault(); });
  kept.offer(() => { dirty = true; });
  followPreview(document.querySelector("[data-preview]"));
});

// Arranging in place ------------------------------------------------------------------------------------------

function enhance(form) {
  for (const button of form.querySelectorAll("button.add-block")) button.hidden = false;
  for (const menu of form.querySelectorAll(".block-menu")) menu.hidden = true;
}

// The layout field says which blocks are in which section, in order: "s1=b1,b2 s2=b3".
function layout(form) {
  const sections = [...form.querySelectorAll("#sections > fieldset.section")].map((section) => {
    const blocks = [...section.querySelectorAll(":scope > .blocks > fieldset.block")].map((b) => b.dataset.key);
    return `${section.dataset.key}=${blocks.join(",")}`;
  });
  form.querySelector("input[name=layout]").value = sections.join(" ");
}

function sectionName(section, first) {
  const heading = section.querySelector("[data-heading]").value.trim();
  return heading || (first ? "Introduction" : "Section without heading");
}

// Legends and the "Into section" choices follow the sections' headings and order.
function refresh(form) {
  const sections = [...form.querySelectorAll("#sections > fieldset.section")];
  sections.forEach((section, n) => { section.querySelector(":scope > legend").textContent = sectionName(section, n === 0); });
  for (const select of form.querySelectorAll("select[data-sections]")) {
    const chosen = select.value;
    select.replaceChildren(...sections.map((section, n) => new Option(sectionName(section, n === 0), section.dataset.key)));
    select.value = sections.some((s) => s.dataset.key === chosen) ? chosen : (sections.at(-1)?.dataset.key ?? "");
  }
  layout(form);
}

function newKey() {
  return "n" + [...crypto.getRandomValues(new Uint8Array(4))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function fromTemplate(id, key) {
  const holder = document.createElement("template");
  holder.innerHTML = document.getElementById(id).innerHTML.replaceAll("__KEY__", key);
  return holder.content.firstElementChild;
}

function say(form, text) {
  const status = form.querySelector("#arranged");
  status.textContent = "";
  setTimeout(() => { status.textContent = text; }, 50);
}

function firstField(group) {
  return group.querySelector("input:not([type=hidden]), textarea, select, button");
}

function closeMenu(menu, focusButton) {
  menu.hidden = true;
  const opener = menu.parentElement.querySelector("button.add-block");
  opener.setAttribute("aria-expanded", "false");
  if (focusButton) opener.focus();
}

// The arranging buttons: true when the click was handled here (then the form is not sent).
function arrange(form, button) {
  const block = button.closest("fieldset.block"), section = button.closest("fieldset.section");
  if (button.matches("button.add-block")) {
    const menu = document.getElementById(button.getAttribute("aria-controls"));
    const open = menu.hidden;
    for (const other of form.querySelectorAll(".block-menu")) if (!other.hidden) closeMenu(other, false);
    menu.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    if (open) menu.querySelector("button").focus();
    return true;
  }
  if (button.dataset.add) {
    const added = fromTemplate(`block-template-${button.dataset.add}`, newKey());
    section.querySelector(":scope > .blocks").append(added);
    closeMenu(button.closest(".block-menu"), false);
    refresh(form);
    firstField(added).focus();
    say(form, `${button.textContent} block added at the end of the section.`);
    return true;
  }
  if (button.id === "add-section") {
    const added = fromTemplate("section-template", newKey());
    form.querySelector("#sections").append(added);
    enhance(added);
    refresh(form);
    added.querySelector("[data-heading]").focus();
    say(form, "Section added at the end.");
    return true;
  }
  if (button.dataset.move && block) {
    const up = button.dataset.move === "up";
    const sibling = up ? block.previousElementSibling : block.nextElementSibling;
    if (sibling) {
      sibling.insertAdjacentElement(up ? "beforebegin" : "afterend", block);
    } else {
      const sections = [...form.querySelectorAll("#sections > fieldset.section")];
      const other = sections[sections.indexOf(section) + (up ? -1 : 1)];
      if (!other) { say(form, `This block is already the ${up ? "first" : "last"}.`); return true; }
      other.querySelector(":scope > .blocks")[up ? "append" : "prepend"](block);
    }
    refresh(form);
    button.focus();
    const where = block.closest("fieldset.section").querySelector(":scope > legend").textContent;
    say(form, `${block.querySelector(":scope > legend").textContent} moved ${up ? "up" : "down"}, in section ${where}.`);
    return true;
  }
  if (button.dataset.delete === "block" && block) {
    const next = block.nextElementSibling || block.previousElementSibling;
    const label = block.querySelector(":scope > legend").textContent;
    block.remove();
    refresh(form);
    (next ? firstField(next) : section.querySelector("button.add-block")).focus();
    say(form, `${label} block deleted. Not saved yet.`);
    return true;
  }
  if (button.dataset.delete === "section" && section) {
    const next = section.nextElementSibling || section.previousElementSibling;
    const label = section.querySelector(":scope > legend").textContent;
    section.remove();
    refresh(form);
    (next ? next.querySelector("[data-heading]") : form.querySelector("#add-section")).focus();
    say(form, `Section ${label} deleted. Not saved yet.`);
    return true;
  }
  return false;
}

// Unsaved work, kept in this browser (localStorage) per article and the version it started from, until a Save ----

function unsavedWork(form) {
  const article = form.dataset.article, version = form.dataset.version;
  const prefix = `cms:unsaved:${article}:`, key = prefix + version;
  const store = (() => { try { return window.localStorage; } catch { return null; } })();
  // After a Save (the page's address says `done`, or the page of a saved conflict resolution says `data-done`).
  const done = new URLSearchParams(location.search).get("done") || form.dataset.done;
  if (store && done) {  // the page after a successful Save (or Publish, ...): nothing is unsaved any more
    for (const name of Object.keys(store)) {
      if (name.startsWith(prefix) || (done === "created" && name.startsWith("cms:unsaved:new:"))) store.removeItem(name);
    }
  }
  const snapshot = () => {
    layout(form);
    for (const field of form.querySelectorAll("input, textarea, select")) {
      if (field.type === "file" || field.name === "csrf") continue;
      if (field.type === "checkbox") field.toggleAttribute("checked", field.checked);
      else if (field.tagName === "TEXTAREA") field.textContent = field.value;
      else if (field.tagName === "SELECT") for (const option of field.options) option.toggleAttribute("selected", option.selected);
      else field.setAttribute("value", field.value);
    }
    // The CSRF token is the session's, not the person's work: a new sign-in must not make the work look changed.
    return form.innerHTML.replace(/(name="csrf" value=")[^"]*"/, '$1"');
  };
  const original = snapshot();
  let timer = null;
  const now = () => {
    clearTimeout(timer);
    if (!store) return;
    const html = snapshot();
    try {
      if (html === original && !form.hasAttribute("data-unsaved")) store.removeItem(key);
      else store.setItem(key, JSON.stringify({ html, version, at: new Date().toISOString() }));
    } catch { /* full or refused: the page still works, only without this safety net */ }
  };
  if (form.hasAttribute("data-unsaved")) now();
  return {
    now,
    later() { clearTimeout(timer); timer = setTimeout(now, 400); },
    offer(restored) {
      if (!store || form.hasAttribute("data-unsaved")) return;
      const found = Object.keys(store).filter((name) => name.startsWith(prefix)).sort().at(-1);
      if (!found) return;
      let kept;
      try { kept = JSON.parse(store.getItem(found)); } catch { store.removeItem(found); return; }
      if (!kept || kept.html === original) { store.removeItem(found); return; }
      const region = document.getElementById("restore");
      const when = new Date(kept.at).toLocaleString();
      const base = kept.version === version ? "" : ` They started from version ${kept.version}; saving them will show what changed since.`;
      region.querySelector("#restore-note").textContent = `This browser kept changes to this article that were not saved (${when}).${base}`;
      region.hidden = false;
      region.querySelector("#restore-button").addEventListener("click", () => {
        const csrf = form.querySelector("input[name=csrf]").value;
        form.innerHTML = kept.html;
        form.querySelector("input[name=csrf]").value = csrf;
        enhance(form);
        refresh(form);
        region.hidden = true;
        restored();
        say(form, "Unsaved changes restored. Press Save to keep them.");
        form.querySelector("#title").focus();
      });
      region.querySelector("#discard-button").addEventListener("click", () => {
        store.removeItem(found);
        region.hidden = true;
        form.querySelector("#title").focus();
      });
    },
  };
}

// "Upload image": the file goes to the page's upload route; an Image block for it goes to the chosen section.
async function uploadImage(form, button) {
  const file = form.querySelector("#image"), alt = form.querySelector("#alt");
  const data = new FormData();
  data.append("csrf", form.querySelector("input[name=csrf]").value);
  data.append("alt", alt.value);
  if (file.files.length) data.append("file", file.files[0]);
  else data.append("file", new Blob([]), "");
  tell(form, "status", "Uploading…");
  button.disabled = true;
  let response, answer = {};
  try {
    response = await fetch(button.formAction, { method: "POST", body: data, headers: { Accept: "application/json" } });
    answer = await response.json().catch(() => ({}));
  } catch (error) {
    tell(form, "alert", "The image was not uploaded: the server could not be reached. Your text is as it was.");
    return false;
  } finally {
    button.disabled = false;
  }
  if (!response.ok) {
    const why = (answer.errors || []).map((e) => e.message).join("; ") || answer.detail || response.statusText;
    tell(form, "alert", `The image was not uploaded: ${why}. Your text is as it was, not saved yet.`);
    return false;
  }
  let section = form.querySelector(`#sections > fieldset.section[data-key="${form.querySelector("#image_into").value}"]`);
  if (!section) {
    section = fromTemplate("section-template", newKey());
    form.querySelector("#sections").append(section);
    enhance(section);
  }
  const block = fromTemplate("block-template-image", newKey());
  const set = (attr, value) => { block.querySelector(`[name$=".${attr}"]`).value = value ?? ""; };
  set("asset_id", answer.asset.id);
  set("alt", alt.value);
  set("width", answer.asset.width);
  set("height", answer.asset.height);
  section.querySelector(":scope > .blocks").append(block);
  refresh(form);
  file.value = "";
  alt.value = "";
  tell(form, "status", "Uploaded: the image is an Image block at the end of the section, not saved yet. Press Save to keep it.");
  return true;
}

function tell(form, role, text) {
  const place = form.querySelector("#image-upload");
  for (const old of place.querySelectorAll(".said")) old.remove();
  const message = document.createElement(role === "alert" ? "div" : "p");
  message.className = `said ${role === "alert" ? "alert" : "hint"}`;
  message.id = `upload-${role}`;
  message.setAttribute("role", role);
  message.textContent = text;
  place.append(message);
}

// Live preview: the saved draft's Preview follows the event stream (docs/events.md) and reloads on each new version.
function followPreview(region) {
  if (!region || !window.EventSource) return;
  const id = region.dataset.articleId, shown = Number(region.dataset.version);
  let latest = shown;
  // From the log's position when the page was made: a save between then and connecting is not missed.
  const stream = new EventSource(`/api/v1/events?since=${encodeURIComponent(region.dataset.eventsSince)}`);
  stream.addEventListener("article.updated", async (message) => {
    const event = JSON.parse(message.data);
    if (event.data.id !== id || event.data.version <= latest) return;
    latest = event.data.version;
    const response = await fetch(region.dataset.previewUrl, { headers: { Accept: "text/html" } });
    if (!response.ok || response.redirected) return;  // signed out meanwhile: the next Save says so
    region.querySelector(".rendered").innerHTML = await response.text();
    const note = region.querySelector("[data-preview-note]");
    note.textContent = `The saved draft, version ${latest}, as the html format renders it (updated when anyone saves).`;
  });
}
