/* The organiser's exports card: start an export, follow its progress, download it.
 * No framework; every text is set with textContent. The server makes each export in the
 * background; this page polls each unfinished job once a second. */
"use strict";

(() => {
  const card = document.querySelector("[data-exports-url]");
  if (!card) return;
  const url = card.dataset.exportsUrl;
  const strings = JSON.parse(card.dataset.exportsStrings);
  const list = card.querySelector("[data-export-list]");
  const empty = card.querySelector("[data-export-empty]");
  const errorBox = card.querySelector("[data-export-error]");
  const language = card.querySelector("[data-export-language]");
  const status = card.querySelector("[data-export-status]");
  const jobs = new Map(); // id -> the job's newest view
  const startedHere = new Set(); // downloaded by themselves once ready
  const polling = new Set();
  const POLL_MS = 1000;

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function describe(job) {
    const o = job.options || {};
    if (job.kind === "report") {
      return [strings.reports[o.format] || o.format, (o.language || "").toUpperCase()].filter(Boolean).join(" · ");
    }
    if (job.kind !== "poster") {
      const name = strings.kinds[`${job.kind}:${o.format}`] || strings.kinds[job.kind] || job.kind;
      return [name, (o.language || "").toUpperCase()].filter(Boolean).join(" · ");
    }
    const orientation = strings.orientations[o.orientation] || o.orientation;
    const parts = [strings.kinds.poster, o.size, orientation, strings.formats[o.format] || o.format];
    if (o.language) parts.push(o.language.toUpperCase());
    return parts.filter(Boolean).join(" · ");
  }

  function when(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return "";
    return date.toLocaleString(document.documentElement.lang || undefined, {
      day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
    });
  }

  function row(job) {
    const item = el("li", { class: "exports-item", "data-job": String(job.id), "data-status": job.status, "data-test": "export-item" });
    const head = el("div", { class: "exports-item-head" });
    head.append(el("span", { class: "exports-what" }, describe(job)));
    const time = el("time", { class: "muted small", datetime: job.created_at || "" }, when(job.created_at));
    head.append(time);
    item.append(head);
    if (job.status === "done" && job.download_url) {
      const link = el("a", { class: "exports-download", href: job.download_url, download: job.filename || "", "data-test": "export-download" }, strings.download);
      const name = el("span", { class: "exports-file muted small" }, job.filename || "");
      const line = el("div", { class: "exports-done" });
      line.append(link, name);
      item.append(line);
    } else if (job.status === "failed") {
      item.append(el("p", { class: "error small exports-failed" }, job.message || strings.steps.failed));
    } else {
      const line = el("div", { class: "exports-progress", "data-test": "export-progress" });
      const bar = el("progress", { max: "100", value: String(job.progress || 0), "aria-label": `${strings.progress_of}: ${describe(job)}` });
      line.append(bar, el("span", { class: "small", "data-test": "export-step" }, strings.steps[job.step] || job.step));
      item.append(line);
    }
    return item;
  }

  function render() {
    const ordered = [...jobs.values()].sort((a, b) => b.id - a.id).slice(0, 20);
    list.replaceChildren(...ordered.map(row));
    empty.hidden = ordered.length > 0;
  }

  function showError(text) {
    errorBox.textContent = text || "";
    errorBox.hidden = !text;
  }

  function startDownload(job) {
    const link = el("a", { href: job.download_url, download: job.filename || "", hidden: "" });
    document.body.append(link);
    link.click();
    link.remove();
  }

  function update(job) {
    const before = jobs.get(job.id);
    jobs.set(job.id, job);
    const shown = list.querySelector(`[data-job="${job.id}"]`);
    if (shown) shown.replaceWith(row(job)); // only this row: focus elsewhere stays put
    else render();
    if (!before || before.step !== job.step) {
      status.textContent = `${describe(job)}: ${strings.steps[job.step] || job.step}`;
    }
    const finished = job.status === "done" || job.status === "failed";
    if (finished && startedHere.has(job.id) && (!before || before.status !== job.status)) {
      startedHere.delete(job.id);
      if (job.status === "done" && job.download_url) startDownload(job);
    }
    if (!finished) poll(job.id);
  }

  function poll(id) {
    if (polling.has(id)) return;
    polling.add(id);
    setTimeout(async () => {
      polling.delete(id);
      try {
        const response = await fetch(`${url}/${id}`, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if (response.ok) {
          update(await response.json());
          return;
        }
      } catch (error) {
        /* the venue's Wi-Fi dropped: try again in a moment */
      }
      poll(id);
    }, POLL_MS);
  }

  async function submit(form) {
    const data = new FormData(form);
    const kind = data.get("kind");
    const options = {};
    for (const [name, value] of data.entries()) {
      if (name !== "kind" && name !== "csrf_token") options[name] = String(value);
    }
    if (kind !== "archive" && language) options.language = language.value;
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    showError("");
    try {
      const response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": data.get("csrf_token"), Accept: "application/json" },
        body: JSON.stringify({ kind, options }),
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        showError(body.message || strings.error);
        return;
      }
      if (body.status !== "done" && body.status !== "failed") startedHere.add(body.id);
      update(body);
    } catch (error) {
      showError(strings.error);
    } finally {
      button.disabled = false;
    }
  }

  card.querySelectorAll("[data-export-form]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submit(form);
    });
  });

  (async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) return;
      const body = await response.json();
      for (const job of body.jobs) jobs.set(job.id, job);
      render();
      for (const job of body.jobs) if (job.status === "queued" || job.status === "running") poll(job.id);
    } catch (error) {
      /* the list stays empty; a new export still works */
    }
  })();
})();
