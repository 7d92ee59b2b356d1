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
  form.addEventListener("submit", (event) => {
    if (event.submitter && event.submitter.value === "upload") {
      event.preventDefault();
      uploadImage(form, event.submitter).then((inserted) => { dirty = dirty || inserted; });
      return;
    }
    dirty = false;
  });
  window.addEventListener("beforeunload", (event) => { if (dirty) event.preventDefault(); });
  followPreview(document.querySelector("[data-preview]"));
});

// "Upload image": the file goes to the page's upload route, its Markdown into the Body at the cursor.
async function uploadImage(form, button) {
  const file = form.querySelector("#image"), alt = form.querySelector("#alt"), body = form.querySelector("#body");
  const data = new FormData();
  data.append("csrf", form.querySelector("input[name=csrf]").value);
  data.append("alt", alt.value);
  if (file.files.length) data.append("file", file.files[0]);
  else data.append("file", new Blob([]), "");
  say(form, "status", "Uploading…");
  button.disabled = true;
  let response, answer = {};
  try {
    response = await fetch(button.formAction, { method: "POST", body: data, headers: { Accept: "application/json" } });
    answer = await response.json().catch(() => ({}));
  } catch (error) {
    say(form, "alert", "The image was not uploaded: the server could not be reached. Your text is as it was.");
    return false;
  } finally {
    button.disabled = false;
  }
  if (!response.ok) {
    const why = (answer.errors || []).map((e) => e.message).join("; ") || answer.detail || response.statusText;
    say(form, "alert", `The image was not uploaded: ${why}. Your text is as it was, not saved yet.`);
    return false;
  }
  const start = body.selectionStart, end = body.selectionEnd;
  const before = body.value.slice(0, start), after = body.value.slice(end);
  const lead = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
  const tail = after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : after === "" ? "\n" : "\n\n";
  body.setRangeText(lead + answer.markdown + tail, start, end, "end");
  file.value = "";
  alt.value = "";
  say(form, "status", "Uploaded: the image is in the Body at the cursor, not saved yet. Press Save to keep it.");
  return true;
}

function say(form, role, text) {
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
