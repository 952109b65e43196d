/* The phone in the coaching phase: the card drawn for the room (or dealt to its table)
 * and the self-scan, each area scored 1 to 5 with an optional note. Answers go through
 * an outbox (outbox.js) like notes: kept in localStorage, resent with the same client id
 * until the server answers, so a phone offline at that moment loses nothing. Only the
 * newest answer per area waits: an older one for the same area is dropped before it is
 * sent, so a replay can never overwrite a later choice.
 * A plain browser script after common.js and outbox.js; participant.js drives it. */
"use strict";

Fac.SelfScan = (options) => {
  const { t, el, $ } = Fac;
  const { code, ask, ready, language, onChange, coaching } = options; // coaching(): the store's data
  const NOTE_MAX = 500;
  const SCORES = [1, 2, 3, 4, 5];
  const errors = new Map(); // area key -> the refusal to show under it
  const drafts = new Map(); // area key -> a note being typed, kept across renders
  let lastState = null;

  const out = Fac.Outbox(`facilitator.selfscan.${code}`, send, {
    ready,
    onDone: stored,
    onFinal: refused,
    onRetry: () => render(lastState),
    onChange: () => { render(lastState); if (onChange) onChange(); },
  });

  function send(item) {
    return ask("selfscan.answer", { client_id: item.client_id, area: item.area, score: item.score, note: item.note });
  }

  function stored(item, ack) {
    errors.delete(item.area);
    const held = coaching();
    if (held) held.mine[item.area] = ack.answer;
    if (!ack.duplicate) Fac.announce(t("selfscan_saved"));
  }

  function refused(item, ack) {
    errors.set(item.area, ack.message || t("no_answer"));
  }

  /** Whether the agenda's current item is the coaching phase. */
  function active(state) {
    const agenda = state && state.agenda;
    const phase = agenda && agenda.phases.find((p) => p.id === agenda.current);
    return Boolean(phase && phase.kind === "coaching") && !state.me.left && Boolean(coaching());
  }

  /** The newest answer for an area: waiting in the outbox, else stored. */
  function answerOf(state, key) {
    const waiting = out.items().filter((i) => i.area === key).pop();
    if (waiting) return { ...waiting, waiting: true };
    const held = coaching();
    const mine = held && held.mine[key];
    return mine ? { ...mine, waiting: false } : null;
  }

  /** A UUID version 7: its first 48 bits are the time it was made (ms), so the server can
   *  tell an answer that arrives late from a newer one and keep the newer. */
  function timeOrderedId() {
    const random = Fac.uuid().replace(/-/g, "");
    const time = Date.now().toString(16).padStart(12, "0").slice(-12);
    const h = `${time}7${random.slice(13, 16)}${random.slice(16)}`;
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function choose(key, score) {
    const state = lastState;
    const before = answerOf(state, key);
    const typed = drafts.has(key) ? drafts.get(key) : (before && before.note) || "";
    const note = typed.trim().slice(0, NOTE_MAX) || null;
    errors.delete(key);
    for (const older of out.items()) if (older.area === key) out.remove(older.client_id);
    out.add({ client_id: timeOrderedId(), area: key, score, note });
  }

  function render(state) {
    lastState = state;
    const card = $("selfscan");
    if (!card) return;
    const on = active(state);
    card.hidden = !on;
    renderCard(state, on);
    if (!on) return;
    const list = $("selfscan-areas");
    const areas = coaching().areas;
    const have = [...list.children].map((li) => li.dataset.area).join("\n");
    if (have !== areas.map((a) => a.key).join("\n") || list.dataset.lang !== language()) {
      list.replaceChildren(...areas.map((area) => areaItem(area)));
      list.dataset.lang = language();
    }
    for (const li of list.children) updateArea(state, li);
    const done = areas.filter((a) => answerOf(state, a.key)).length;
    $("selfscan-progress").textContent = t("selfscan_progress", { done, total: areas.length });
  }

  function areaItem(area) {
    const lang = language();
    const li = el("li", { class: "selfscan-area", "data-area": area.key, "data-test": "selfscan-area" });
    const box = el("fieldset");
    const legend = el("legend", { lang, "data-test": "selfscan-title" }, Fac.titleIn(area.title, lang));
    const scale = el("div", { class: "scale" });
    for (const score of SCORES) {
      const button = el("button", {
        type: "button", class: "scale-button", "data-score": String(score), "data-test": "selfscan-score",
        "aria-pressed": "false", "aria-label": t("selfscan_score_of", { score }),
      }, String(score));
      button.addEventListener("click", () => choose(area.key, score));
      scale.append(button);
    }
    const ends = el("p", { class: "scale-ends", "aria-hidden": "true" });
    ends.append(el("span", {}, t("selfscan_low")), el("span", {}, t("selfscan_high")));
    const noteId = `selfscan-note-${area.key}`;
    const details = el("details", { class: "selfscan-note" });
    details.append(el("summary", {}, t("selfscan_add_note")));
    const label = el("label", { for: noteId, class: "sr-only" }, t("selfscan_note_label"));
    const input = el("textarea", { id: noteId, rows: "2", maxlength: String(NOTE_MAX), "data-test": "selfscan-note" });
    input.addEventListener("input", () => drafts.set(area.key, input.value));
    const save = el("button", { type: "button", "data-test": "selfscan-note-save" }, t("selfscan_save_note"));
    save.addEventListener("click", () => {
      const now = answerOf(lastState, area.key);
      if (!now) { errors.set(area.key, t("selfscan_score_first")); render(lastState); return; }
      choose(area.key, now.score);
      drafts.delete(area.key);
    });
    details.append(label, input, save);
    const status = el("p", { class: "selfscan-status muted small", "data-test": "selfscan-status", role: "status" });
    box.append(legend, scale, ends, details, status);
    li.append(box);
    return li;
  }

  function updateArea(state, li) {
    const key = li.dataset.area;
    const answer = answerOf(state, key);
    for (const button of li.querySelectorAll(".scale-button")) {
      const pressed = Boolean(answer) && Number(button.dataset.score) === answer.score;
      button.setAttribute("aria-pressed", pressed ? "true" : "false");
    }
    const input = li.querySelector("textarea");
    if (document.activeElement !== input && !drafts.has(key)) input.value = (answer && answer.note) || "";
    const status = li.querySelector(".selfscan-status");
    const error = errors.get(key);
    let text = "";
    if (error) text = error;
    else if (answer && answer.waiting) text = t("selfscan_waiting");
    else if (answer) text = t("selfscan_saved");
    status.textContent = text;
    status.dataset.state = error ? "error" : answer ? (answer.waiting ? "waiting" : "saved") : "";
  }

  /** The card drawn for the room, or the one dealt to this phone's table. */
  function renderCard(state, on) {
    const node = $("phone-card");
    if (!node) return;
    const draws = (on && coaching().draws) || [];
    const table = state.seat ? state.seat.table : null;
    const card = draws.find((d) => d.table === null) || draws.find((d) => d.table === table);
    node.hidden = !card;
    if (!card) return;
    const lang = language();
    $("phone-card-label").textContent = card.table === null ? t("card_for_room") : t("card_for_table", { table: card.table });
    const text = $("phone-card-text");
    text.textContent = Fac.titleIn(card.text, lang);
    text.setAttribute("lang", lang);
    $("phone-card-area").textContent = `${t(card.kind === "action" ? "card_action" : "card_reflection")} · ${Fac.titleIn(card.area_title, lang)}`;
  }

  return {
    render,
    active,
    flush: () => out.flush(),
    reset: () => out.reset(),
    pending: () => out.items().length,
  };
};
