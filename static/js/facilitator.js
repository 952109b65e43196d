/* The facilitator's console: agenda against the clock, round timer, planning and applying
 * the next round, moving people now, moderation, what the projector shows. */
"use strict";

(() => {
  const { t, el, $ } = Fac;
  const main = document.querySelector("[data-screen=facilitator]");
  const lang = document.documentElement.lang;
  const ticked = new Set(); // people ticked in the current tables
  const tickedInPlan = new Set();
  // {round, seating: {public_id: table}, score, locks: {public_id: table}, together, apart,
  //  newTables: whether nobody but a host returns to a table}
  let plan = null;

  const conn = Fac.connect("facilitator", main.dataset.code, {
    onSnapshot: (state) => { render(state); Fac.CoachingConsole.synced(state); },
    onEvent: (name, data, state) => {
      Fac.CoachingConsole.event(name, data, state); // the coaching phase's cards and profile
      render(state);
    },
  });

  // The theme controls (themes_console.js) share this connection.
  window.FacConsole = { conn, lang };

  function send(event, payload, onOk) {
    conn.socket.timeout(10000).emit(event, payload, (err, ack) => {
      if (err) { showError(t("no_answer")); return; }
      if (!ack.ok) { showError(ack.message); conn.sync(); return; }
      showError("");
      if (onOk) onOk(ack);
    });
  }

  function showError(text) {
    const node = $("control-error");
    node.hidden = !text;
    node.textContent = text || "";
    if (text) Fac.announce(text);
  }

  function people(state) {
    const all = new Map();
    for (const table of state.tables) for (const p of table.participants) all.set(p.public_id, p);
    return all;
  }

  function render(state) {
    renderRound(state);
    renderAgenda(state);
    renderTables(state);
    renderModeration(state);
    renderScreens(state);
    renderPlenary(state);
    if (Fac.CoachingConsole) Fac.CoachingConsole.render(state);
    if (plan) renderPlan(state);
  }

  /* --- round and timer --- */

  function renderRound(state) {
    const round = state.round;
    $("round-label").textContent = round ? `${Fac.roundLabel(state)} · ${t(`status_${round.status}`)}` : "";
    $("question").textContent = Fac.question(round, lang);
    const status = round ? round.status : null;
    const enabled = {
      start: status === "pending",
      pause: status === "running",
      resume: status === "paused",
      "extend-1": status && status !== "ended",
      "extend-5": status && status !== "ended",
      end: status === "running" || status === "paused",
      plan: round && round.number < state.workshop.rounds_total,
    };
    for (const [name, on] of Object.entries(enabled)) $(name).disabled = !on;
    $("plan").title = enabled.plan ? "" : t("last_round");
    Fac.renderTimer($("timer"), round, conn.live.clockOffset);
  }

  for (const button of document.querySelectorAll("[data-action]")) {
    button.addEventListener("click", () => {
      const payload = button.dataset.seconds ? { seconds: Number(button.dataset.seconds) } : {};
      send(button.dataset.action, payload);
    });
  }

  /* --- agenda: the plan against the clock --- */

  function renderAgenda(state) {
    const agenda = state.agenda;
    $("phases").replaceChildren(...agenda.phases.map((phase) => {
      const current = phase.id === agenda.current;
      const li = el("li", { class: current ? "current" : null, "aria-current": current ? "step" : null });
      li.append(el("span", { class: "phase-title" }, Fac.titleIn(phase.title, lang)));
      li.append(el("span", { class: "muted small" }, t("minutes", { count: phase.planned_minutes })));
      const button = el("button", { type: "button", class: "small-button", "data-phase": phase.id },
        current && phase.started_at ? t("restart_phase") : t("start_phase"));
      button.addEventListener("click", () => send("phase.start", { phase: phase.id }));
      li.append(button);
      return li;
    }));
    renderDrift(state);
  }

  function renderDrift(state) {
    const agenda = state.agenda;
    const started = agenda.phases.filter((p) => p.started_at).map((p) => Date.parse(p.started_at));
    const index = agenda.phases.findIndex((p) => p.id === agenda.current);
    const current = agenda.phases[index];
    const node = $("drift");
    if (!started.length || !current || !current.started_at) { node.textContent = t("agenda_not_started"); return; }
    const now = Date.now() + conn.live.clockOffset;
    const planned = agenda.phases.map((p) => p.planned_minutes * 60);
    const plannedStart = planned.slice(0, index).reduce((a, b) => a + b, 0);
    const inPhase = Math.max(0, (now - Date.parse(current.started_at)) / 1000);
    const position = plannedStart + Math.min(inPhase, planned[index]);
    const drift = Math.round(((now - Math.min(...started)) / 1000 - position) / 60);
    node.dataset.drift = drift > 0 ? "behind" : drift < 0 ? "ahead" : "on-time";
    node.textContent = drift > 0 ? t("behind", { minutes: drift })
      : drift < 0 ? t("ahead", { minutes: -drift }) : t("on_time");
  }

  /* --- tables now: tick people, move them, mark someone gone --- */

  function tableOptions(select, state) {
    const chosen = select.value;
    select.replaceChildren(...state.tables.map((tb) =>
      el("option", { value: tb.number }, t("table_n", { table: tb.number }))));
    if (chosen) select.value = chosen;
  }

  function personRow(person, tickedSet, extra) {
    const li = el("li", { "data-presence": person.presence, "data-person": person.public_id });
    const id = `tick-${tickedSet === ticked ? "now" : "plan"}-${person.public_id}`;
    const box = el("input", { type: "checkbox", id, "aria-label": person.name || t("anonymous") });
    box.checked = tickedSet.has(person.public_id);
    box.addEventListener("change", () => {
      if (box.checked) tickedSet.add(person.public_id); else tickedSet.delete(person.public_id);
    });
    const label = el("label", { for: id, class: "name" });
    label.append(el("span", { class: "dot", "aria-hidden": "true" }), document.createTextNode(person.name || t("anonymous")));
    const tags = [(person.languages || [person.language]).map((l) => l.toUpperCase()).join("+")];
    if (person.is_host) tags.unshift(t("host"));
    if (person.role) tags.push(t(`role_${person.role}`));
    tags.push(t(person.presence === "connected" ? "present" : "away"));
    li.append(box, label, el("span", { class: "tags" }, tags.join(" · ")));
    if (extra) li.append(extra);
    return li;
  }

  function renderTables(state) {
    let total = 0;
    const cards = state.tables.map((table) => {
      total += table.participants.length;
      const card = el("article", { class: "table-card", "data-table": table.number });
      card.append(el("h3", {}, t("table_n", { table: table.number })));
      card.append(el("p", { class: "muted small" },
        `${t("people_count", { count: table.participants.length, capacity: table.capacity })} · ${Fac.count("notes_count", table.notes)}`));
      const list = el("ul", { class: "people" });
      for (const person of table.participants) {
        const gone = el("button", { type: "button", class: "small-button ghost", "data-test": "gone" }, t("gone"));
        gone.addEventListener("click", () => {
          if (window.confirm(t("confirm_gone", { name: person.name || t("anonymous") }))) {
            send("participant.remove", { participant: person.public_id });
          }
        });
        list.append(personRow(person, ticked, gone));
      }
      card.append(list);
      return card;
    });
    $("tables").replaceChildren(...cards);
    $("people-total").textContent = `(${total})`;
    tableOptions($("move-target"), state);
    tableOptions($("paper-table"), state);
  }

  $("move-now").addEventListener("click", () => {
    if (!ticked.size) { showError(t("tick_first")); return; }
    send("seat.move", { participants: [...ticked], table: Number($("move-target").value) }, () => ticked.clear());
  });

  /* --- the next round: preview, adjust by hand, apply --- */

  // newTables undefined: the planner's default (on while the rounds fit the tables).
  function preview(locks, together, apart, newTables) {
    const payload = { locks, together, apart };
    if (newTables !== undefined) payload.new_tables = newTables;
    send("plan.preview", payload, (ack) => {
      plan = { round: ack.round, seating: ack.seating, score: ack.score, locks, together, apart, newTables: ack.new_tables };
      tickedInPlan.clear();
      $("plan-panel").hidden = false;
      renderPlan(conn.live.state);
      $("plan-panel").scrollIntoView({ block: "nearest" });
    });
  }

  function renderPlan(state) {
    const everyone = people(state);
    $("plan-title").textContent = t("plan_for_round", { number: plan.round });
    const s = plan.score;
    $("plan-score").textContent = [
      Fac.count("repeats", s.repeats),
      t("new_encounters", { mean: s.new_encounters_mean, min: s.new_encounters_min }),
      t("size_spread", { spread: s.size_spread }),
      t("language_coverage", { percent: Math.round(s.language_coverage * 100) }),
      t("role_mix", { percent: Math.round(s.role_mix * 100) }),
      s.revisits ? Fac.count("revisits", s.revisits) : "",
      s.violations ? Fac.count("violations", s.violations) : "",
    ].filter(Boolean).join(" · ");
    $("plan-score").dataset.repeats = s.repeats;
    $("plan-score").dataset.revisits = s.revisits;
    $("plan-new-tables").checked = plan.newTables;
    const byTable = new Map(state.tables.map((tb) => [tb.number, []]));
    for (const [publicId, table] of Object.entries(plan.seating)) {
      const person = everyone.get(publicId);
      if (person && byTable.has(table)) byTable.get(table).push(person);
    }
    $("plan-tables").replaceChildren(...state.tables.map((table) => {
      const seated = byTable.get(table.number);
      const card = el("article", { class: "table-card", "data-plan-table": table.number });
      card.append(el("h3", {}, t("table_n", { table: table.number })));
      card.append(el("p", { class: "muted small" }, t("people_count", { count: seated.length, capacity: table.capacity })));
      const list = el("ul", { class: "people" });
      for (const person of seated) {
        const pinned = plan.locks[person.public_id] ? el("span", { class: "pin" }, t("placed_by_hand")) : null;
        list.append(personRow(person, tickedInPlan, pinned));
      }
      card.append(list);
      return card;
    }));
    tableOptions($("plan-target"), state);
  }

  $("plan").addEventListener("click", () => preview({}, [], []));
  $("plan-place").addEventListener("click", () => {
    if (!tickedInPlan.size) { showError(t("tick_first")); return; }
    const locks = { ...plan.locks };
    for (const publicId of tickedInPlan) locks[publicId] = Number($("plan-target").value);
    preview(locks, plan.together, plan.apart, plan.newTables);
  });
  $("plan-together").addEventListener("click", () => {
    if (tickedInPlan.size < 2) { showError(t("tick_two")); return; }
    preview(plan.locks, [...plan.together, [...tickedInPlan]], plan.apart, plan.newTables);
  });
  $("plan-apart").addEventListener("click", () => {
    const ticked = [...tickedInPlan];
    if (ticked.length < 2) { showError(t("tick_two")); return; }
    const pairs = ticked.flatMap((a, i) => ticked.slice(i + 1).map((b) => [a, b]));
    preview(plan.locks, plan.together, [...plan.apart, ...pairs], plan.newTables);
  });
  $("plan-new-tables").addEventListener("change", (event) => {
    preview(plan.locks, plan.together, plan.apart, event.target.checked);
  });
  $("plan-cancel").addEventListener("click", () => { plan = null; $("plan-panel").hidden = true; });
  $("plan-apply").addEventListener("click", () => {
    const state = conn.live.state;
    send("plan.apply", { expected: state.round.number, seating: plan.seating }, () => {
      plan = null;
      $("plan-panel").hidden = true;
      Fac.announce(t("plan_applied"));
    });
  });

  /* --- moderation --- */

  function renderModeration(state) {
    const items = state.notes.slice().reverse().map((note) => {
      const li = el("li", { class: note.hidden ? "hidden-note" : null, "data-note": note.id });
      const text = el("p", {}, note.text);
      const meta = el("span", { class: "meta" },
        `${t("table_n", { table: note.table })} · ${Fac.byline(note)}${note.hidden ? ` · ${t("hidden")}` : ""}`);
      const button = el("button", { type: "button", class: "small-button", "data-test": note.hidden ? "restore" : "hide" },
        note.hidden ? t("restore") : t("hide"));
      button.addEventListener("click", () => send(note.hidden ? "note.restore" : "note.hide", { note: note.id }));
      li.append(text, meta, button);
      return li;
    });
    if (!items.length) items.push(el("li", { class: "muted" }, t("no_notes_yet")));
    $("moderation").replaceChildren(...items);
  }

  /* --- screens and messages --- */

  function renderScreens(state) {
    if (document.activeElement !== $("projector-view")) $("projector-view").value = state.projector.view;
    $("show-names").checked = state.projector.show_names;
    renderScopes(state);
  }

  /** The whole workshop, each table (all its rounds), each round (its question). */
  function renderScopes(state) {
    const select = $("harvest-scope");
    if (document.activeElement === select) return;
    const options = [el("option", { value: "all" }, t("scope_all"))];
    for (const table of state.tables) options.push(el("option", { value: `t:${table.number}` }, t("table_n", { table: table.number })));
    for (let n = 1; n <= state.workshop.rounds_total; n += 1) {
      options.push(el("option", { value: `r:${n}` }, t("round_of", { number: n, total: state.workshop.rounds_total })));
    }
    select.replaceChildren(...options);
    select.value = state.projector.scope;
  }
  $("harvest-scope").addEventListener("change", () => send("harvest.scope", { scope: $("harvest-scope").value }));

  const projectorChoice = () => send("projector.show", { view: $("projector-view").value, show_names: $("show-names").checked });
  $("projector-view").addEventListener("change", projectorChoice);
  $("show-names").addEventListener("change", projectorChoice);
  // A screen too full for one page turns by itself; these turn it now.
  $("projector-page-next").addEventListener("click", () => send("projector.turn", { step: 1 }));
  $("projector-page-back").addEventListener("click", () => send("projector.turn", { step: -1 }));

  $("broadcast-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("broadcast-text");
    send("message.send", { text: input.value }, () => { input.value = ""; });
  });

  /* A note written on paper, typed in for a table. Its id is kept until the server
     stores it, so a retry after a lost answer is stored once. */
  let paperId = null;
  $("paper-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("paper-text");
    paperId = paperId || Fac.uuid();
    const payload = {
      client_id: paperId, text: input.value,
      table: Number($("paper-table").value), language: $("paper-language").value,
    };
    send("note.paper", payload, () => { input.value = ""; paperId = null; });
  });
  $("paper-text").addEventListener("input", () => { paperId = null; });

  /* --- the plenary: spotlight a table, run the dot-vote, read the commitments --- */

  function plenaryError(text) {
    const node = $("plenary-error");
    node.hidden = !text;
    node.textContent = text || "";
    if (text) Fac.announce(text);
  }

  function sendPlenary(event, payload, onOk) {
    conn.socket.timeout(10000).emit(event, payload, (err, ack) => {
      if (err) { plenaryError(t("no_answer")); return; }
      if (!ack.ok) { plenaryError(ack.message); return; }
      plenaryError("");
      if (onOk) onOk(ack);
    });
  }

  function renderPlenary(state) {
    const spot = state.projector.spotlight;
    const select = $("spotlight-table");
    if (document.activeElement !== select) {
      tableOptions(select, state);
      if (spot !== null && spot !== undefined) select.value = String(spot);
    }
    $("spotlight-state").textContent = spot !== null && spot !== undefined
      ? t("spotlight_now_console", { table: spot }) : t("spotlight_none");
    $("spotlight-clear").disabled = spot === null || spot === undefined;
    $("spotlight-next").disabled = !state.tables.length;

    const ballot = state.ballot || null;
    const open = Boolean(ballot && ballot.status === "open");
    $("ballot-open").disabled = open;
    $("ballot-close").disabled = !open;
    $("ballot-dots").disabled = open;
    $("ballot-state").textContent = !ballot ? t("ballot_none")
      : `${t(open ? "vote_open" : "vote_closed")} · ${Fac.count("voters", ballot.voters || 0)} · ${Fac.count("dots_per_person", ballot.dots_per_person)}`;
    const rows = Fac.ranked(ballot);
    const most = Math.max(1, ...rows.map((r) => r.dots));
    $("ballot-totals").replaceChildren(...rows.map((row) => {
      const li = el("li", { "data-option": row.key, "data-dots": row.dots });
      const head = el("div", { class: "tally-head" });
      const parts = Fac.optionParts(row);
      const label = el("span", { class: "tally-label" }, parts.title);
      if (row.kind === "insight") label.append(el("span", { class: "muted small" }, ` · ${parts.detail}`));
      head.append(label, el("strong", {}, String(row.dots)));
      const bar = el("div", { class: "tally-bar", "aria-hidden": "true" });
      const fill = el("span", {});
      fill.style.width = `${Math.round((row.dots / most) * 100)}%`;
      bar.append(fill);
      li.append(head, bar);
      return li;
    }));

    const commitments = (state.commitments || []).slice().reverse();
    $("commitments-count").textContent = `(${commitments.length})`;
    $("commitments").replaceChildren(...(commitments.length ? commitments.map((c) => {
      const li = el("li", { "data-commitment": c.id });
      li.append(el("p", { lang: c.language }, c.text));
      li.append(el("span", { class: "meta" }, [c.signed_as || t("anonymous"), c.theme ? t("theme_is", { theme: c.theme }) : null].filter(Boolean).join(" — ")));
      return li;
    }) : [el("li", { class: "muted" }, t("no_commitments_yet"))]));
  }

  $("spotlight-set").addEventListener("click", () => {
    sendPlenary("spotlight.set", { table: Number($("spotlight-table").value) });
  });
  $("spotlight-next").addEventListener("click", () => {
    const state = conn.live.state;
    const numbers = state.tables.map((tb) => tb.number).sort((a, b) => a - b);
    if (!numbers.length) return;
    const spot = state.projector.spotlight;
    const next = numbers.find((n) => spot !== null && spot !== undefined && n > spot);
    sendPlenary("spotlight.set", { table: next === undefined ? numbers[0] : next });
  });
  $("spotlight-clear").addEventListener("click", () => sendPlenary("spotlight.set", { table: null }));

  $("ballot-open").addEventListener("click", () => {
    const dots = Math.round(Number($("ballot-dots").value));
    if (!(dots >= 1 && dots <= 10)) { plenaryError(t("dots_range")); $("ballot-dots").focus(); return; }
    sendPlenary("ballot.open", { dots }, (ack) => {
      const state = conn.live.state;
      Fac.applyEvent(state, "ballot.updated", state.seq, { ballot: ack.ballot });
      render(state);
    });
  });
  $("ballot-close").addEventListener("click", () => {
    sendPlenary("ballot.close", {}, (ack) => {
      const state = conn.live.state;
      Fac.applyEvent(state, "ballot.updated", state.seq, { ballot: ack.ballot });
      render(state);
    });
  });

  setInterval(() => {
    const state = conn.live.state;
    if (!state) return;
    Fac.renderTimer($("timer"), state.round, conn.live.clockOffset);
    renderDrift(state);
  }, 1000);
})();
