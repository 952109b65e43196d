/* The facilitator's control of the harvest's themes: which mode found them, the language
 * the projector shows them in, and rename, merge, split off (a few notes as a theme of
 * their own) and undo. A change names the notes a theme holds; every drawing applies it. */
"use strict";

(() => {
  const { t, el, $ } = Fac;
  const { conn, lang } = window.FacConsole;
  let wall = null; // the last harvest.updated of the projector's scope
  let open = null; // the key of the theme whose notes are shown (to split some off)
  const tickedNotes = new Set();

  function send(event, payload, onOk) {
    conn.socket.timeout(10000).emit(event, payload, (err, ack) => {
      if (err || !ack.ok) { showError(err ? t("no_answer") : ack.message); return; }
      showError("");
      if (onOk) onOk(ack);
    });
  }

  function showError(text) {
    const node = $("themes-error");
    node.hidden = !text;
    node.textContent = text || "";
    if (text) Fac.announce(text);
  }

  conn.socket.on("harvest.updated", (payload) => {
    const state = conn.live.state;
    if (state && payload.data.scope !== state.projector.scope) return;
    wall = payload.data;
    $("themes-preparing").hidden = true;
    render();
  });

  conn.socket.on("harvest.preparing", (payload) => {
    const { done, total } = payload.data;
    $("themes-preparing").hidden = done >= total;
    $("themes-preparing-label").textContent = t("themes_preparing", { done, total });
    $("themes-progress").max = total;
    $("themes-progress").value = done;
  });

  conn.socket.on("projector.updated", () => renderLanguages());
  conn.socket.on("connect", () => setTimeout(renderLanguages, 500));

  function renderLanguages() {
    const state = conn.live.state;
    const select = $("harvest-language");
    if (!state || document.activeElement === select) return;
    select.replaceChildren(...state.workshop.languages.map((code) => el("option", { value: code }, code.toUpperCase())));
    select.value = (state.projector && state.projector.language) || state.workshop.languages[0];
  }
  $("harvest-language").addEventListener("change", () => send("harvest.language", { language: $("harvest-language").value }));

  function render() {
    renderLanguages();
    $("themes-mode").textContent = wall ? t(wall.mode === "meaning" ? "themes_by_meaning" : "themes_by_words") : "";
    const themes = (wall && wall.themes) || [];
    $("themes-empty").hidden = themes.length > 0;
    $("console-themes").replaceChildren(...themes.map((theme) => themeItem(theme, themes)));
  }

  function themeItem(theme, themes) {
    const text = Fac.themeText(theme, lang);
    const li = el("li", { "data-theme": theme.key });
    const head = el("div", { class: "theme-head" });
    head.append(Fac.inLanguageEl("strong", { "data-test": "console-theme-title" }, text.title, text.titleLanguage, lang),
      el("span", { class: "muted small" }, `${Fac.count("notes_count", theme.notes)} · ${languagesText(theme.languages)}`));
    li.append(head);
    li.append(renameForm(theme, text.title), mergeForm(theme, themes), notesToggle(theme));
    if (open === theme.key) li.append(notesList(theme));
    return li;
  }

  function languagesText(byLanguage) {
    return Object.entries(byLanguage || {}).map(([code, n]) => `${code.toUpperCase()} ${n}`).join(" · ");
  }

  function renameForm(theme, title) {
    const form = el("form", { class: "toolbar", "data-test": "theme-rename-form" });
    const id = `rename-${theme.key}`;
    const input = el("input", { id, value: title, maxlength: "80", required: "", "data-test": "theme-title-input" });
    form.append(el("label", { for: id, class: "sr-only" }, t("theme_new_title")), input,
      el("button", { type: "submit", "data-test": "theme-rename" }, t("theme_rename")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      send("theme.rename", { notes: theme.note_ids, title: input.value });
    });
    return form;
  }

  function mergeForm(theme, themes) {
    const others = themes.filter((other) => other.key !== theme.key);
    const form = el("form", { class: "toolbar", "data-test": "theme-merge-form" });
    if (!others.length) return form;
    const id = `merge-${theme.key}`;
    const select = el("select", { id, "data-test": "theme-merge-target" });
    select.append(...others.map((other) => el("option", { value: other.key }, Fac.themeText(other, lang).title)));
    form.append(el("label", { for: id }, t("theme_merge_with")), select,
      el("button", { type: "submit", "data-test": "theme-merge" }, t("theme_merge")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const other = others.find((o) => o.key === select.value);
      if (other) send("theme.merge", { a: theme.note_ids, b: other.note_ids });
    });
    return form;
  }

  function notesToggle(theme) {
    const button = el("button", { type: "button", class: "ghost", "data-test": "theme-notes-toggle", "aria-expanded": String(open === theme.key) },
      t(open === theme.key ? "theme_hide_notes" : "theme_show_notes"));
    button.addEventListener("click", () => {
      open = open === theme.key ? null : theme.key;
      tickedNotes.clear();
      if (!open) { render(); return; }
      send("theme.notes", { notes: theme.note_ids }, (ack) => { notesOf[theme.key] = ack.notes; render(); });
    });
    return button;
  }

  const notesOf = {}; // theme key -> [{id, text, language}], asked for when opened

  function notesList(theme) {
    const box = el("div", { class: "theme-notes" });
    const list = el("ul", { "data-test": "theme-notes" });
    for (const note of notesOf[theme.key] || []) {
      const id = `theme-note-${note.id}`;
      const input = el("input", { type: "checkbox", id, "data-note": String(note.id) });
      input.checked = tickedNotes.has(note.id);
      input.addEventListener("change", () => { if (input.checked) tickedNotes.add(note.id); else tickedNotes.delete(note.id); });
      const li = el("li", {});
      li.append(input, el("label", { for: id, lang: note.language || "" }, note.text));
      list.append(li);
    }
    const split = el("button", { type: "button", "data-test": "theme-split" }, t("theme_split"));
    split.addEventListener("click", () => {
      if (!tickedNotes.size) { showError(t("tick_notes_first")); return; }
      send("theme.split", { notes: [...tickedNotes] }, () => { open = null; tickedNotes.clear(); });
    });
    box.append(list, split);
    return box;
  }

  $("themes-reset").addEventListener("click", () => send("theme.reset", {}));
})();
