/* The participant's phone: seat, question, timer, notes, and an outbox that survives
 * a lost connection or a reload (localStorage), resent until the server acknowledges. */
"use strict";

(() => {
  const { t, el, $ } = Fac;
  const main = document.querySelector("[data-screen=participant]");
  const code = main.dataset.code;
  const noteMax = Number(main.dataset.noteMax);
  const outboxKey = `facilitator.outbox.${code}`;
  const seatKey = `facilitator.seat.${code}`;
  let lastTimerPhase = null;

  const outbox = {
    load() {
      try { return JSON.parse(localStorage.getItem(outboxKey)) || []; } catch { return []; }
    },
    save(items) { localStorage.setItem(outboxKey, JSON.stringify(items)); },
    add(item) { const items = this.load(); items.push(item); this.save(items); },
    remove(id) { this.save(this.load().filter((i) => i.client_id !== id)); },
  };

  const conn = Fac.connect("participant", code, {
    onSnapshot: (state) => { render(state); noticeSeatChange(state); flushOutbox(); },
    onEvent: (name, data, state) => {
      // A new table: its notes (and a host's briefing) come with a fresh snapshot.
      if (name === "seat.assigned" || name === "round.seats") { conn.sync(true); return; }
      if (name === "message.broadcast") Fac.announce(`${t("message_from_facilitator")}: ${data.text}`);
      render(state);
    },
    onUnauthorized: () => { window.location.href = `/j/${code}`; },
  });

  function language() {
    return conn.live.state ? conn.live.state.me.language : document.documentElement.lang;
  }

  /* --- rendering --- */

  function render(state) {
    const seat = state.seat;
    $("round-label").textContent = Fac.roundLabel(state);
    $("table-label").textContent = seat ? t("you_are_at_table", { table: seat.table })
      : t(state.me.left ? "goodbye" : "no_seat");
    $("host-label").textContent = hostText(state);
    const q = $("question");
    q.textContent = Fac.question(state.round, language());
    q.setAttribute("lang", language());
    $("phase").textContent = Fac.phaseTitle(state.agenda, language());
    renderMessage(state.message);
    renderNotes(state);
    renderHandover(state.handover);
    renderInsight(state);
    renderTimer();
    renderFormState(state);
    renderLeft(state.me.left);
  }

  /** Someone who left (or was marked gone) sees it, and can take a seat again. */
  function renderLeft(left) {
    $("left-panel").hidden = !left;
    $("note-form").hidden = left;
    $("leave").hidden = left;
  }

  $("come-back").addEventListener("click", () => {
    conn.socket.timeout(8000).emit("participant.return", {}, (err, ack) => {
      if (!err && ack && ack.ok) conn.sync(true);
      else showError(t("error_generic"));
    });
  });

  /** After "time's up" the form waits for the next round instead of failing on send. */
  function renderFormState(state) {
    const closed = Boolean(state.round && state.round.status === "ended");
    $("note-submit").disabled = closed;
    $("round-closed").hidden = !closed;
  }

  function hostText(state) {
    if (!state.seat) return "";
    if (state.me.is_host) return t("you_are_host");
    if (state.seat.host) return t("host_is", { name: state.seat.host });
    return state.seat.host === "" ? t("host_unnamed") : "";
  }

  function renderMessage(text) {
    const node = $("message");
    node.hidden = !text;
    node.textContent = text ? `${t("message_from_facilitator")}: ${text}` : "";
  }

  function renderNotes(state) {
    const list = $("notes");
    const pending = outbox.load();
    const items = [];
    for (const item of pending) {
      const li = el("li", { class: "note pending", "data-client-id": item.client_id });
      li.append(el("p", {}, item.text), el("span", { class: "meta" }, navigator.onLine ? t("sending") : t("waiting_network")));
      items.push(li);
    }
    const sent = state.notes.filter((n) => !pending.some((p) => p.client_id === n.client_id));
    const mine = new Set(state.my_votes || []);
    for (const note of Fac.byVotes(sent)) {
      const li = el("li", { class: "note", "data-client-id": note.client_id });
      li.append(el("p", {}, note.text), el("span", { class: "meta" }, note.author || t("anonymous")));
      li.append(voteButton(note, mine.has(note.id)));
      items.push(li);
    }
    if (!items.length) items.push(el("li", { class: "empty" }, t("no_notes")));
    list.replaceChildren(...items);
  }

  /** The round's key insight: everyone at the table sees it, the host writes it. */
  function renderInsight(state) {
    const isHost = Boolean(state.me.is_host && state.seat);
    $("insight").hidden = !isHost && !state.insight;
    $("insight-form").hidden = !isHost;
    $("insight-text").textContent = state.insight ? state.insight.text : "";
    $("insight-text").hidden = !state.insight;
  }

  $("insight-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const state = conn.live.state;
    const text = $("insight-input").value.trim();
    if (!text || !state.seat) return;
    const payload = { client_id: Fac.uuid(), text, table: state.seat.table };
    conn.socket.timeout(8000).emit("insight.post", payload, (err, ack) => {
      if (err || !ack.ok) { showError(err ? t("error_generic") : ack.message); return; }
      $("insight-input").value = "";
      Fac.applyEvent(state, "insight.posted", state.seq, { insight: ack.insight });
      render(state);
    });
  });

  /** A host's briefing: what earlier rounds wrote at this table. */
  function renderHandover(notes) {
    const section = $("handover");
    section.hidden = !notes || !notes.length;
    if (section.hidden) return;
    $("handover-notes").replaceChildren(...notes.map((note) => {
      const li = el("li", { class: "note" });
      li.append(el("p", {}, note.text), el("span", { class: "meta" }, note.author || t("anonymous")));
      return li;
    }));
  }

  $("leave").addEventListener("click", () => {
    if (!window.confirm(t("confirm_leave"))) return;
    conn.socket.timeout(8000).emit("participant.leave", {}, (err, ack) => {
      if (!err && ack && ack.ok) {
        localStorage.removeItem(outboxKey);
        conn.sync(true);
      } else showError(t("error_generic"));
    });
  });

  /** "▲ 3": one vote per note; pressing again takes it back. */
  function voteButton(note, voted) {
    const button = el("button", {
      type: "button", class: "vote", "aria-pressed": String(voted), "data-test": "vote",
      "aria-label": t(voted ? "unvote" : "vote", { count: note.votes || 0 }),
    }, `▲ ${note.votes || 0}`);
    button.addEventListener("click", () => {
      button.disabled = true;
      conn.socket.timeout(8000).emit("note.vote", { note: note.id, up: !voted }, (err, ack) => {
        button.disabled = false;
        if (err || !ack.ok) showError(err ? t("error_generic") : ack.message);
      });
    });
    return button;
  }

  function renderTimer() {
    const state = conn.live.state;
    if (!state) return;
    const phase = Fac.renderTimer($("timer"), state.round, conn.live.clockOffset);
    if (phase !== lastTimerPhase) {
      if (phase === "warning" && lastTimerPhase === "running") Fac.announce(t("one_minute"));
      if (phase === "up" && lastTimerPhase && lastTimerPhase !== "pending") {
        Fac.announce(t("times_up"));
        if (navigator.vibrate) navigator.vibrate(300);
      }
      lastTimerPhase = phase;
    }
  }
  setInterval(renderTimer, 1000);

  /* --- round change: a full-screen "Move to table N" that nobody can miss --- */

  function noticeSeatChange(state) {
    if (!state.seat) return;
    const key = `${state.seat.round}:${state.seat.table}`;
    const known = localStorage.getItem(seatKey);
    localStorage.setItem(seatKey, key);
    if (known === null || known === key || state.me.is_host) return;
    showMove(state, Number(known.split(":")[1]));
  }

  function showMove(state, previousTable) {
    const overlay = $("move-overlay");
    $("move-round").textContent = t("round_starts", { number: state.seat.round });
    const stays = previousTable === state.seat.table;
    $("move-title").textContent = t(stays ? "stay_at_table" : "move_to_table", { table: state.seat.table });
    $("move-host").textContent = hostText(state);
    $("move-ok").textContent = t("move_ok");
    overlay.hidden = false;
    $("move-ok").focus();
    Fac.announce($("move-title").textContent);
    if (navigator.vibrate) navigator.vibrate([300, 150, 300, 150, 300]);
  }
  $("move-ok").addEventListener("click", () => { $("move-overlay").hidden = true; $("note-text").focus(); });

  /* --- posting: outbox first, then the server; resend until acknowledged --- */

  const textarea = $("note-text");
  const showCharsLeft = () => {
    $("chars-left").textContent = t("chars_left", { count: noteMax - textarea.value.length });
  };
  textarea.addEventListener("input", showCharsLeft);
  showCharsLeft();

  $("note-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = textarea.value.trim();
    const state = conn.live.state;
    showError("");
    if (!text) { showError(t("error_generic")); return; }
    if (!state || !state.seat) { showError(t("no_seat")); return; }
    outbox.add({ client_id: Fac.uuid(), text, table: state.seat.table });
    textarea.value = "";
    showCharsLeft();
    render(state);
    flushOutbox();
  });

  function showError(text) {
    const node = $("note-error");
    node.hidden = !text;
    node.textContent = text;
  }

  let flushing = false;
  function flushOutbox() {
    if (flushing || !conn.socket.connected) return;
    const items = outbox.load();
    if (!items.length) return;
    flushing = true;
    let open = items.length;
    for (const item of items) {
      conn.socket.timeout(8000).emit("note.post", item, (err, ack) => {
        if (!err && ack) settle(item, ack);
        if (--open === 0) { flushing = false; if (conn.live.state) render(conn.live.state); }
      });
    }
  }

  function settle(item, ack) {
    outbox.remove(item.client_id);
    if (ack.ok) {
      Fac.applyEvent(conn.live.state, "note.posted", conn.live.state.seq, { note: ack.note });
      Fac.announce(t("note_posted"));
    } else if (ack.error === "too_many_notes") {
      outbox.add(item); // keep it; it goes out with the next try
      showError(ack.message);
    } else {
      showError(ack.message);
      if (!textarea.value) { textarea.value = item.text; showCharsLeft(); } // give the words back
      if (ack.error === "not_your_table" || ack.error === "round_closed") conn.sync();
    }
  }
  setInterval(flushOutbox, 5000);
  conn.socket.on("connect", flushOutbox);
})();
