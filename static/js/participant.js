/* The participant's phone: seat, question, timer, notes, and outboxes (outbox.js) that
 * survive a lost connection or a reload, resent until the server answers. A note the
 * server refuses because its round or table is over is never dropped: the phone offers
 * to post it at the table where its writer sits now. */
"use strict";

(() => {
  const { t, el, $ } = Fac;
  const main = document.querySelector("[data-screen=participant]");
  const code = main.dataset.code;
  const noteMax = Number(main.dataset.noteMax);
  const seatKey = `facilitator.seat.${code}`;
  let lastTimerPhase = null;

  const conn = Fac.connect("participant", code, {
    onSnapshot: (state) => { render(state); knowNotes(state); noticeSeatChange(state); flushOutboxes(); coachingStore.synced(state); },
    onEvent: (name, data, state) => {
      // A move: the new table's notes (and a host's briefing) come with a fresh snapshot.
      if (name === "seat.assigned") { conn.sync(true); return; }
      // A round change carries the new table's contents: show it now, then a cheap
      // catch-up from its number (no snapshot) puts this socket in the table's room.
      if (name === "round.seats") { render(state); knowNotes(state); noticeSeatChange(state); conn.sync(false); return; }
      if (name === "message.broadcast") Fac.announce(`${t("message_from_facilitator")}: ${data.text}`);
      coachingStore.event(name, data, state); // the coaching phase's cards and own answers
      render(state);
      if (name === "note.posted") announceNewNotes(state);
    },
    onUnauthorized: () => { window.location.href = `/j/${code}`; },
    // No network and nothing live yet (a reload offline): what this phone showed last.
    onStatus: (kind) => { if (kind !== "online") showKept(); },
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
    renderLate(state);
    renderHandover(state.handover);
    renderInsight(state);
    renderPhotos(state);
    renderRoomHarvest(state);
    renderPlenary(state);
    renderTimer();
    renderFormState(state);
    renderLeft(state.me.left);
    selfScan.render(state);
    arrangeForMoment(state);
    keepState(state);
  }

  /* --- offline: the last state, for a page reloaded without network --- */

  // Kept per workshop and checked against the person: on a shared device, the next person
  // never sees the previous one's table. The outboxes keep what waits to be sent.
  const keptKey = `facilitator.phone.${code}`;
  const person = main.dataset.person;

  function keepState(state) {
    try { if (state.me.left) { localStorage.removeItem(keptKey); return; } } catch { return; }
    const kept = { person, state, coaching: coachingStore.data(), clock: conn.live.clockOffset };
    try { localStorage.setItem(keptKey, JSON.stringify(kept)); } catch { /* full: not kept */ }
  }

  /** The state kept last, as the live one until the network is back: the phone then
   *  catches up from its number, as if it had never reloaded. */
  function showKept() {
    if (conn.live.state) return;
    let kept = null;
    try { kept = JSON.parse(localStorage.getItem(keptKey)); } catch { /* unreadable: none */ }
    if (!kept || kept.person !== person || !kept.state || !kept.state.me) return;
    conn.live.state = kept.state;
    conn.live.clockOffset = kept.clock || 0;
    coachingStore.restore(kept.coaching);
    render(kept.state);
  }

  /** The page and its scripts in the cache, for the service worker (phone_sw.js) to
   *  give back after a reload without network. Needs a secure context (HTTPS). */
  function keepPageForOffline() {
    if (!("serviceWorker" in navigator) || !window.caches) return;
    navigator.serviceWorker.register("/w/sw.js", { scope: "/w/" }).catch(() => {});
    const assets = [...document.querySelectorAll("script[src], link[rel=stylesheet], link[rel=icon]")]
      .map((node) => node.src || node.href);
    const wanted = new Set(assets);
    caches.open("facilitator-phone-v1").then(async (cache) => {
      await cache.addAll([window.location.pathname, ...assets]);
      for (const request of await cache.keys()) { // older versions of the assets
        if (!new URL(request.url).pathname.startsWith("/w/") && !wanted.has(request.url)) cache.delete(request);
      }
    }).catch(() => { /* offline now, or no room: the next load tries again */ });
  }
  if (navigator.onLine) keepPageForOffline();

  /* The plenary: what the moment needs comes first (an open vote, then the commitment);
     the finished round's question, timer, notes and tablecloth step aside. */
  const ROUND_PARTS = ["round-label", "question", "timer", "host-label", "note-form", "notes-section", "insight", "tablecloth", "handover"];
  const SHOWN_IN_ROUNDS = new Set(["round-label", "question", "timer", "host-label", "notes-section"]); // the others: their renderers decide

  function plenaryMoment(state) {
    const agenda = state.agenda;
    const phase = agenda && agenda.phases.find((p) => p.id === agenda.current);
    return Boolean(state.ballot) || Boolean(phase && (phase.kind === "plenary" || phase.kind === "conclusion"));
  }

  function arrangeForMoment(state) {
    const plenary = plenaryMoment(state);
    const coachingNow = !plenary && selfScan.active(state); // the self-scan takes the round's place
    main.dataset.moment = plenary ? "plenary" : coachingNow ? "coaching" : "round";
    for (const part of ROUND_PARTS) {
      if (plenary || coachingNow) $(part).hidden = true;
      else if (SHOWN_IN_ROUNDS.has(part)) $(part).hidden = false;
    }
    if (!plenary) return;
    const voting = Boolean(state.ballot && state.ballot.status === "open");
    const order = voting ? ["vote-card", "commit-card", "phone-spotlight"] : ["phone-spotlight", "commit-card", "vote-card"];
    const cards = order.map((name) => $(name));
    const now = [...main.children].filter((node) => cards.includes(node));
    if (now.every((node, i) => node === cards[i])) return; // moved only when needed: focus stays
    let after = document.querySelector(".seat-card");
    for (const card of cards) { after.after(card); after = card; }
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
      else showError(err ? t("no_answer") : ack.message);
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
    const pending = notesOut.items().filter((item) => item.kind !== "insight");
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
      li.append(el("p", { lang: note.language || null }, note.text), el("span", { class: "meta" }, Fac.byline(note)));
      li.append(voteButton(note, mine.has(note.id)));
      items.push(li);
    }
    if (!items.length) items.push(el("li", { class: "empty" }, t("no_notes")));
    list.replaceChildren(...items);
  }

  /* New notes are read out one by one in their own polite region: the list itself is not
     live, or each redraw would read every note again. The phone's own notes are not
     announced as new (posting says "Your note was posted"). */
  const knownNotes = new Set();
  const myNotes = new Set();

  function knowNotes(state) {
    knownNotes.clear();
    for (const note of state.notes) knownNotes.add(note.id);
  }

  function announceNewNotes(state) {
    const region = $("note-announcer");
    for (const note of state.notes) {
      if (knownNotes.has(note.id)) continue;
      knownNotes.add(note.id);
      if (myNotes.has(note.client_id)) continue;
      const words = t("new_note", { author: note.author || t("anonymous"), text: note.text });
      region.append(el("p", { lang: note.language || null }, words));
      while (region.children.length > 3) region.firstElementChild.remove();
    }
  }

  /** The round's key insight: everyone at the table sees it, the host writes it. */
  function renderInsight(state) {
    const isHost = Boolean(state.me.is_host && state.seat);
    const pending = notesOut.items().filter((item) => item.kind === "insight").pop();
    const shown = pending || state.insight;
    $("insight").hidden = !isHost && !shown;
    $("insight-form").hidden = !isHost;
    $("insight-text").textContent = shown ? shown.text : "";
    $("insight-text").hidden = !shown;
    $("insight-text").classList.toggle("pending", Boolean(pending));
  }

  /* The key insight goes through the notes' outbox: written offline, it is not lost. */
  $("insight-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const state = conn.live.state;
    const text = $("insight-input").value.trim();
    if (!text || !state || !state.seat) return;
    showError("");
    $("insight-input").value = "";
    notesOut.add({ client_id: Fac.uuid(), kind: "insight", text, ...writtenAt(state) });
  });

  /** A host's briefing: what earlier rounds wrote at this table. */
  function renderHandover(notes) {
    const section = $("handover");
    section.hidden = !notes || !notes.length;
    if (section.hidden) return;
    $("handover-notes").replaceChildren(...notes.map((note) => {
      const li = el("li", { class: "note" });
      li.append(el("p", { lang: note.language || null }, note.text), el("span", { class: "meta" }, Fac.byline(note)));
      return li;
    }));
  }

  $("leave").addEventListener("click", () => {
    if (!window.confirm(t("confirm_leave"))) return;
    conn.socket.timeout(8000).emit("participant.leave", {}, (err, ack) => {
      if (!err && ack && ack.ok) {
        notesOut.clear();
        conn.sync(true);
      } else showError(err ? t("no_answer") : ack.message);
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
        if (err || !ack.ok) showError(err ? t("no_answer") : ack.message);
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
    if (overlay.hidden) focusBeforeMove = document.activeElement;
    overlay.hidden = false;
    setPageInert(true);
    $("move-ok").focus();
    Fac.announce($("move-title").textContent);
    if (navigator.vibrate) navigator.vibrate([300, 150, 300, 150, 300]);
  }

  /* A modal dialog: the page behind is inert, Tab stays on OK, Escape or OK closes it and
     the focus goes back to where it was. */
  let focusBeforeMove = null;
  const behindMove = () => [document.querySelector(".topbar"), main, document.querySelector(".skip-link")];

  function setPageInert(inert) {
    for (const node of behindMove()) if (node) node.inert = inert;
  }

  function closeMove() {
    $("move-overlay").hidden = true;
    setPageInert(false);
    const back = focusBeforeMove && focusBeforeMove.isConnected && focusBeforeMove !== document.body
      ? focusBeforeMove : $("note-text");
    focusBeforeMove = null;
    if (back && !back.closest("[hidden]")) back.focus(); else $("table-label").focus();
  }

  $("move-ok").addEventListener("click", closeMove);
  $("move-overlay").addEventListener("keydown", (event) => {
    if (event.key === "Escape") { event.preventDefault(); closeMove(); }
    if (event.key === "Tab") { event.preventDefault(); $("move-ok").focus(); } // its only control
  });

  /* --- posting: outbox first, then the server; resend until it answers --- */

  /** An emit as a promise of its answer: null when none came in time. */
  function ask(event, payload) {
    return new Promise((resolve) => {
      conn.socket.timeout(8000).emit(event, payload, (err, ack) => resolve(err ? null : ack));
    });
  }

  // An answer is applied to the state, so sending waits until the phone has caught up
  // (after a reconnection, its round and table may have changed meanwhile).
  const connected = () => conn.socket.connected && conn.caughtUp();
  const rerender = () => { if (conn.live.state) render(conn.live.state); };

  // The coaching phase's card and self-scan (selfscan.js), with an outbox of its own.
  const coachingStore = Fac.CoachingStore(conn, rerender);
  // onChange: an answer sent or stored is kept for a reload without network.
  const selfScan = Fac.SelfScan({ code, ask, ready: connected, language, coaching: coachingStore.data, onChange: rerender });

  /** Where a note is written: its table and round NUMBER, which it keeps when sent later
   *  (after a round change, the server stores it there or says the round is over). */
  function writtenAt(state) {
    return { table: state.seat.table, round: state.round ? state.round.number : state.seat.round };
  }

  // Notes and key insights share the key phones in the field already hold items under.
  const notesOut = Fac.Outbox(`facilitator.outbox.${code}`, sendNote, {
    ready: connected, onDone: noteStored, onFinal: noteRefused, onRetry: noteWaits, onChange: rerender,
  });

  function sendNote(item) {
    const payload = { client_id: item.client_id, text: item.text, table: item.table };
    if (item.round) payload.round = item.round; // items queued by an older page have none
    return ask(item.kind === "insight" ? "insight.post" : "note.post", payload);
  }

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
    if (!text) { showError(t("empty_note")); return; }
    if (!state || !state.seat) { showError(t("no_seat")); return; }
    textarea.value = "";
    showCharsLeft();
    noteStatus.textContent = "";
    const clientId = Fac.uuid();
    myNotes.add(clientId);
    notesOut.add({ client_id: clientId, text, ...writtenAt(state) });
  });

  function showError(text) {
    const node = $("note-error");
    node.hidden = !text;
    node.textContent = text;
  }

  // "Sent to table 3 (round 1)": a late note reached the table it was written at.
  const noteStatus = el("p", { class: "muted small", "data-test": "note-status", role: "status" });
  $("note-error").after(noteStatus);

  /** Stored at another table or round than the one this phone shows now? */
  function elsewhere(where, state) {
    if (!state.seat || where.table !== state.seat.table) return true;
    return Boolean(where.round && state.round && where.round !== state.round.number);
  }

  function noteStored(item, ack) {
    const state = conn.live.state;
    const kind = item.kind === "insight" ? "insight" : "note";
    Fac.applyEvent(state, `${kind}.posted`, state.seq, { [kind]: ack[kind] });
    // The answer says where it was stored (`round`: its number); an older server does not.
    const where = { table: ack[kind].table, round: ack.round || item.round };
    if (elsewhere(where, state)) {
      noteStatus.textContent = t("sent_to_table", where); // a live region: it is read out
    } else if (kind === "note") Fac.announce(t("note_posted"));
  }

  function noteWaits(item, ack) {
    if (ack && ack.message) showError(ack.message); // "you are posting very fast": it waits
  }

  // Refusals that mean "written before the round or table changed": the words are kept.
  const LATE_ERRORS = new Set(["round_over", "not_your_table", "round_closed"]);

  function noteRefused(item, ack) {
    if (LATE_ERRORS.has(ack.error)) {
      late.add(item);
      conn.sync(); // the screen catches up with the table and round it missed
      return;
    }
    showError(ack.message);
    const input = item.kind === "insight" ? $("insight-input") : textarea;
    if (!input.value) { input.value = item.text; showCharsLeft(); } // give the words back
  }

  /* --- late notes: refused because their round or table is over; the writer decides --- */

  const late = (() => {
    const key = `facilitator.late.${code}`;
    let items;
    try { items = JSON.parse(localStorage.getItem(key)) || []; } catch { items = []; }
    const save = () => {
      try { localStorage.setItem(key, JSON.stringify(items)); } catch { /* kept in memory */ }
      rerender();
    };
    return {
      items: () => items.slice(),
      add(item) { items = items.filter((i) => i.client_id !== item.client_id).concat([item]); save(); },
      remove(clientId) { items = items.filter((i) => i.client_id !== clientId); save(); },
    };
  })();

  const lateCard = el("section", { class: "card late-card", "data-test": "late-notes", "aria-label": t("late_title") });
  lateCard.hidden = true;
  $("note-form").before(lateCard);

  function renderLate(state) {
    const items = late.items();
    lateCard.hidden = !items.length || Boolean(state.me.left);
    lateCard.replaceChildren(...items.map((item) => lateNote(item, state)));
  }

  function lateNote(item, state) {
    const box = el("div", { class: "note late-note", "data-test": "late-note", "data-client-id": item.client_id });
    box.append(el("span", { class: "meta", "data-test": "late-where" }, lateText(item, state)), el("p", {}, item.text));
    const post = el("button", { type: "button", class: "primary", "data-test": "late-post" }, t("late_post_here"));
    post.disabled = !state.seat || state.me.left || Boolean(state.round && state.round.status === "ended");
    post.addEventListener("click", () => postHere(item));
    const discard = el("button", { type: "button", class: "ghost", "data-test": "late-discard" }, t("late_discard"));
    discard.addEventListener("click", () => { late.remove(item.client_id); textarea.focus(); });
    const actions = el("p", { class: "late-actions" });
    actions.append(post, " ", discard);
    box.append(actions);
    return box;
  }

  /** "This note was written at table 3 in round 1, which is over." */
  function lateText(item, state) {
    const current = state.round ? state.round.number : null;
    const over = item.round && (item.round !== current || state.round.status === "ended");
    const moved = !state.seat || state.seat.table !== item.table;
    if (!over && moved) return t("late_note_table", { table: item.table });
    return t("late_note_round", { table: item.table, round: item.round || current });
  }

  /** Post a late note at the writer's table now: a new note, with a new id. */
  function postHere(item) {
    const state = conn.live.state;
    if (!state || !state.seat) { showError(t("no_seat")); return; }
    late.remove(item.client_id);
    const kind = item.kind === "insight" ? { kind: "insight" } : {};
    const clientId = Fac.uuid();
    myNotes.add(clientId);
    notesOut.add({ client_id: clientId, ...kind, text: item.text, ...writtenAt(state) });
    textarea.focus();
  }

  function flushOutboxes() { notesOut.flush(); photosOut.flush(); commitmentsOut.flush(); selfScan.flush(); }
  // Back online: whatever waits goes now, and the next waits start short again.
  conn.socket.on("connect", () => { notesOut.reset(); photosOut.reset(); commitmentsOut.reset(); selfScan.reset(); });
  window.addEventListener("online", () => photosOut.reset());

  /* --- the tablecloth: photographed, shrunk on the phone, sent until stored --- */

  const photosOut = Fac.Outbox(`facilitator.photos.${code}`, sendPhoto, {
    ready: () => navigator.onLine && conn.caughtUp(), // sent over HTTP, not the socket
    onDone: photoStored,
    onFinal: (item, ack) => photoStatus(ack.message || t("error_generic")),
    onRetry: () => photoStatus(t("waiting_network")),
    onChange: rerender,
  });
  const csrf = document.querySelector("meta[name=csrf-token]").content;

  function renderPhotos(state) {
    const photos = (state.photos || []).filter((p) => !p.hidden);
    $("photos").replaceChildren(...photos.map((photo) => {
      const link = el("a", { href: `/j/${code}/photos/${photo.id}.jpg`, target: "_blank", rel: "noopener" });
      link.append(el("img", {
        src: `/j/${code}/photos/${photo.id}.jpg?size=thumb`, loading: "lazy",
        alt: t("tablecloth_of", { table: photo.table }), width: 160, height: Math.round(160 * photo.height / photo.width),
      }));
      return link;
    }));
    $("tablecloth").hidden = Boolean(state.me.left) || !state.seat;
    if (photosOut.items().length) photoStatus(navigator.onLine ? t("sending") : t("waiting_network"));
  }

  function photoStatus(text) { $("photo-status").textContent = text; }

  /** Shrink on the phone (a 12 MP photo is 5 MB; 1600 px is plenty for a tablecloth). */
  async function shrink(file) {
    if (!window.createImageBitmap) return file;
    const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return new Promise((resolve) => canvas.toBlob((blob) => resolve(blob || file), "image/jpeg", 0.82));
  }

  const asDataUrl = (blob) => new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = reject;
    reader.readAsDataURL(blob);
  });

  $("photo-input").addEventListener("change", async (event) => {
    const file = event.target.files && event.target.files[0];
    event.target.value = "";
    const state = conn.live.state;
    if (!file || !state || !state.seat) return;
    photoStatus(t("sending"));
    let data;
    try { data = await asDataUrl(await shrink(file)); } catch { photoStatus(t("photo_unreadable")); return; }
    photosOut.add({ client_id: Fac.uuid(), table: state.seat.table, data });
  });

  /** One upload, its answer as the outbox reads it: null (no network), a busy server
   *  (try later), or the server's JSON. */
  async function sendPhoto(item) {
    const form = new FormData();
    form.append("client_id", item.client_id);
    form.append("table", String(item.table));
    try {
      form.append("photo", await (await fetch(item.data)).blob(), "tablecloth.jpg");
    } catch {
      return { ok: false, error: "photo_unreadable", message: t("photo_unreadable") };
    }
    let response;
    try {
      response = await fetch(`/j/${code}/photos`, { method: "POST", body: form, headers: { "X-CSRFToken": csrf } });
    } catch { return null; }
    if (response.status >= 500 || response.status === 429) return { ok: false, error: "server_busy" };
    return response.json().catch(() => ({ ok: false, error: "bad_answer", message: t("error_generic") }));
  }

  function photoStored(item, ack) {
    const state = conn.live.state;
    Fac.applyEvent(state, "photo.posted", state.seq, { photo: ack.photo });
    photoStatus(t("photo_posted"));
    Fac.announce(t("photo_posted"));
  }

  /* --- between rounds: the whole room's word cloud and themes --- */

  function betweenRounds(state) {
    const round = state.round;
    if (!round) return true;
    return round.status === "ended" || (round.status === "pending" && round.number > 1);
  }

  function renderRoomHarvest(state) {
    const wall = conn.live.harvest;
    const show = Boolean(wall && wall.notes && betweenRounds(state));
    $("room-harvest").hidden = !show;
    if (!show) return;
    const img = $("room-cloud");
    const url = `/p/${code}/harvest/${wall.digest}.png`;
    if (!img.src.endsWith(url)) {
      const next = new Image(); // load first, then swap: no flicker
      next.onload = () => { img.src = url; img.hidden = false; };
      next.src = url;
    }
    const lang = language();
    const texts = wall.themes.slice(0, 4).map((theme) => Fac.themeText(theme, lang));
    img.alt = `${t("cloud_alt")}: ${texts.map((text) => text.title).join(", ")}`;
    $("room-themes").replaceChildren(...texts.map((text) => {
      const li = el("li", {});
      li.append(Fac.inLanguageEl("strong", {}, text.title, text.titleLanguage, lang),
        Fac.inLanguageEl("q", {}, text.quote, text.quoteLanguage, lang));
      return li;
    }));
  }

  conn.socket.on("harvest.updated", (payload) => {
    if (payload.data.scope !== "all") return;
    conn.live.harvest = payload.data;
    if (conn.live.state) { renderRoomHarvest(conn.live.state); renderThemeChoice(); }
  });

  /* --- the plenary: the spotlit table, dot-voting, a commitment --- */

  function renderPlenary(state) {
    renderVote(state);
    renderPhoneSpotlight(state);
    renderCommitments(state);
  }

  /* Dot-voting. `draft` holds the allocation shown while changes wait to be sent (~400 ms);
     the server's `mine` is the truth once it answers. */
  let draft = null;
  let draftBallot = null;
  let dotsTimer = null;
  let dotsRequest = 0;

  function myDots(state) {
    if (draft && state.ballot && draftBallot === state.ballot.id) return draft;
    return state.my_dots || {};
  }

  const sumDots = (dots) => Object.values(dots).reduce((a, b) => a + b, 0);

  function renderVote(state) {
    const ballot = state.ballot;
    const card = $("vote-card");
    card.hidden = !ballot || Boolean(state.me.left);
    if (card.hidden) { draft = null; return; }
    if (draft && draftBallot !== ballot.id) draft = null;
    const open = ballot.status === "open";
    card.dataset.ballot = ballot.id;
    card.dataset.status = ballot.status;
    $("vote-open").hidden = !open;
    $("vote-results").hidden = open;
    $("vote-title").textContent = open ? t("vote_title") : t("vote_results_title");
    if (open) renderDotOptions(state, ballot); else renderResults(state, ballot);
  }

  function renderDotOptions(state, ballot) {
    const mine = myDots(state);
    const left = ballot.dots_per_person - sumDots(mine);
    const leftNode = $("dots-left");
    const leftText = left > 0 ? Fac.count("dots_left", left) : t("dots_all_placed");
    if (leftNode.textContent !== leftText) leftNode.textContent = leftText;
    leftNode.dataset.left = left;
    const list = $("dot-options");
    const focused = document.activeElement && document.activeElement.dataset.dotKey
      ? `${document.activeElement.dataset.dotKey}:${document.activeElement.dataset.step}` : null;
    list.replaceChildren(...ballot.options.map((option, index) => {
      const n = mine[option.key] || 0;
      const id = `dot-opt-${index}`;
      const li = el("li", { "data-option": option.key, "data-dots": n });
      const box = el("div", { class: "dot-option", "data-dots": n, role: "group", "aria-labelledby": id });
      const parts = Fac.optionParts(option, language());
      const text = el("div", { class: "opt-text", id });
      text.append(Fac.inLanguageEl("strong", {}, parts.title, parts.titleLanguage, language()));
      if (parts.detail && parts.detail !== parts.title) text.append(Fac.inLanguageEl("span", { class: "opt-detail" }, parts.detail, parts.detailLanguage, language()));
      const pips = el("span", { class: "pips", "aria-hidden": "true" }, "●".repeat(n));
      const stepper = el("div", { class: "stepper" });
      const minus = el("button", {
        type: "button", class: "step", "data-test": "dot-minus", "data-dot-key": option.key, "data-step": "-1",
        "aria-label": t("dot_remove", { option: optionLabel(option) }),
      }, "−");
      minus.disabled = n === 0;
      const count = el("output", { class: "dot-count", "data-test": "dot-count" }, String(n));
      count.setAttribute("aria-label", Fac.count("dots_on_option", n));
      const plus = el("button", {
        type: "button", class: "step", "data-test": "dot-plus", "data-dot-key": option.key, "data-step": "1",
        "aria-label": t("dot_add", { option: optionLabel(option) }),
      }, "+");
      plus.disabled = left <= 0;
      minus.addEventListener("click", () => changeDots(option.key, -1));
      plus.addEventListener("click", () => changeDots(option.key, +1));
      stepper.append(minus, count, plus);
      box.append(text, pips, stepper);
      li.append(box);
      return li;
    }));
    if (focused) { // keep the keyboard where it was after a re-render
      const [key, step] = focused.split(":");
      const again = [...list.querySelectorAll("button[data-dot-key]")].find((b) => b.dataset.dotKey === key && b.dataset.step === step);
      if (again && !again.disabled) again.focus();
    }
  }

  const optionLabel = (option) => Fac.optionParts(option, language()).title;

  function changeDots(key, delta) {
    const state = conn.live.state;
    const ballot = state && state.ballot;
    if (!ballot || ballot.status !== "open") return;
    const next = { ...myDots(state) };
    next[key] = Math.max(0, (next[key] || 0) + delta);
    if (!next[key]) delete next[key];
    if (sumDots(next) > ballot.dots_per_person) return;
    draft = next;
    draftBallot = ballot.id;
    voteError("");
    renderVote(state);
    clearTimeout(dotsTimer);
    dotsTimer = setTimeout(sendDots, 400);
  }

  function sendDots() {
    const state = conn.live.state;
    if (!draft || !state.ballot) return;
    const sent = draft;
    const ballotId = draftBallot;
    const request = ++dotsRequest;
    conn.socket.timeout(8000).emit("ballot.dots", { ballot: ballotId, dots: sent }, (err, ack) => {
      const latest = request === dotsRequest && draft === sent; // nothing changed since
      if (err) {
        if (latest) { draft = null; voteError(t("no_answer")); }
      } else if (ack.ok) {
        if (state.ballot && state.ballot.id === ballotId) state.my_dots = ack.mine;
        if (latest) draft = null;
      } else {
        draft = null; // the server's allocation stands
        voteError(ack.message);
        if (ack.error === "ballot_closed" || ack.error === "unknown_ballot" || ack.error === "unknown_option") conn.sync();
      }
      renderVote(conn.live.state);
    });
  }

  function voteError(text) {
    const node = $("vote-error");
    node.hidden = !text;
    node.textContent = text || "";
  }

  function renderResults(state, ballot) {
    const mine = state.my_dots || {};
    const rows = Fac.ranked(ballot);
    const most = Math.max(1, ...rows.map((r) => r.dots));
    $("vote-results-note").textContent = `${t("vote_closed")} · ${Fac.count("voters", ballot.voters || 0)}`;
    $("result-bars").replaceChildren(...rows.map((row) => {
      const li = el("li", { class: "result-row", "data-option": row.key, "data-dots": row.dots });
      const head = el("div", { class: "result-head" });
      const parts = Fac.optionParts(row, language());
      head.append(Fac.inLanguageEl("strong", {}, parts.title, parts.titleLanguage, language()), el("span", { class: "result-count" }, Fac.count("dots_n", row.dots)));
      const bar = el("div", { class: "result-bar", "aria-hidden": "true" });
      const fill = el("span", {});
      fill.style.width = `${Math.round((row.dots / most) * 100)}%`;
      bar.append(fill);
      li.append(head);
      if (parts.detail && parts.detail !== parts.title) li.append(Fac.inLanguageEl("span", { class: "opt-detail" }, parts.detail, parts.detailLanguage, language()));
      li.append(bar);
      if (mine[row.key]) li.append(el("span", { class: "mine-mark", "data-test": "my-dots-mark" }, Fac.count("your_dots", mine[row.key])));
      return li;
    }));
  }

  /* The table the plenary looks at now: its key insights and top notes. */
  let spotlightShown = null;
  let spotlightData = null;
  function renderPhoneSpotlight(state) {
    const table = state.projector && state.projector.spotlight;
    const card = $("phone-spotlight");
    if (table === null || table === undefined || state.me.left) { card.hidden = true; spotlightShown = null; return; }
    if (table !== spotlightShown) {
      spotlightShown = table;
      spotlightData = null;
      fetchSpotlight(table);
    }
    card.hidden = false;
    $("phone-spotlight-title").textContent = t("spotlight_now", { table });
    const data = spotlightData && spotlightData.table === table ? spotlightData : null;
    const insights = data ? data.insights : [];
    $("phone-spotlight-insights").replaceChildren(...insights.map((insight) => {
      const li = el("li", { class: "spot-insight" });
      li.append(el("span", { class: "meta" }, t("key_insight")), el("p", {}, insight.text));
      return li;
    }));
    const notes = data ? data.notes.slice(0, 6) : [];
    $("phone-spotlight-notes-title").hidden = !notes.length;
    $("phone-spotlight-notes").replaceChildren(...notes.map((note) => {
      const li = el("li", { class: "note" });
      li.append(el("p", {}, note.text));
      const meta = [Fac.byline(note), note.votes ? `▲ ${note.votes}` : null].filter(Boolean).join(" · ");
      li.append(el("span", { class: "meta" }, meta));
      return li;
    }));
  }

  function fetchSpotlight(table) {
    conn.socket.timeout(8000).emit("spotlight.view", {}, (err, ack) => {
      if (err || !ack || !ack.ok || spotlightShown !== table) return;
      spotlightData = ack.spotlight;
      if (conn.live.state) renderPhoneSpotlight(conn.live.state);
    });
  }

  setInterval(() => { if (spotlightShown !== null && !document.hidden) fetchSpotlight(spotlightShown); }, 20000);

  /* A commitment: "I will …", kept in an outbox until the server has it. */
  const commitmentsOut = Fac.Outbox(`facilitator.commitments.${code}`, (item) => ask("commitment.post", item), {
    ready: connected,
    onDone: commitmentStored,
    onFinal: commitmentRefused,
    onChange: () => { if (conn.live.state) renderCommitments(conn.live.state); },
  });
  const COMMIT_MAX = 280;

  function commitmentTime(state) {
    const agenda = state.agenda;
    const phase = agenda && agenda.phases.find((p) => p.id === agenda.current);
    const kind = phase && phase.kind;
    return kind === "plenary" || kind === "conclusion" || Boolean(state.ballot)
      || (state.my_commitments || []).length > 0 || commitmentsOut.items().length > 0;
  }

  let commitShown = false;
  function renderCommitments(state) {
    $("commit-card").hidden = Boolean(state.me.left) || !commitmentTime(state);
    // The card offers the room's themes: ask for the newest wall when it opens (during a
    // round the server does not push redraws to phones; `sync` carries the latest).
    if (!$("commit-card").hidden && !commitShown) conn.sync();
    commitShown = !$("commit-card").hidden;
    if ($("commit-card").hidden) return;
    renderThemeChoice();
    const pending = commitmentsOut.items();
    const stored = (state.my_commitments || []).filter((c) => !pending.some((p) => p.client_id === c.client_id));
    const items = [
      ...stored.map((c) => commitmentItem(c, c.signed_as ? t("signed_as", { name: c.signed_as }) : t("anonymous"), false)),
      ...pending.map((c) => commitmentItem(c, navigator.onLine ? t("sending") : t("waiting_network"), true)),
    ];
    $("my-commitments-title").hidden = !items.length;
    $("my-commitments").replaceChildren(...items);
  }

  /** One of my commitments, stored or waiting: its words in their language (the one the
   *  server stored, or mine while it waits), for hyphenation and screen readers. */
  function commitmentItem(commitment, meta, pending) {
    const { text, theme } = commitment;
    const li = el("li", { class: pending ? "note pending" : "note" });
    li.append(el("p", { lang: commitment.language || language() }, text));
    li.append(el("span", { class: "meta" }, theme ? `${meta} — ${t("theme_is", { theme })}` : meta));
    return li;
  }

  function renderThemeChoice() {
    const select = $("commit-theme");
    if (document.activeElement === select) return;
    const wall = conn.live.harvest;
    const labels = wall && wall.themes ? wall.themes.map((theme) => Fac.themeText(theme, language()).title) : [];
    const chosen = select.value;
    const have = [...select.options].map((o) => o.value).join("\n");
    if (have === ["", ...labels].join("\n")) return;
    select.replaceChildren(el("option", { value: "" }, t("no_theme")),
      ...labels.map((label) => el("option", { value: label }, label)));
    if (labels.includes(chosen)) select.value = chosen;
  }

  const commitText = $("commit-text");
  const showCommitChars = () => {
    $("commit-chars").textContent = t("chars_left", { count: COMMIT_MAX - commitText.value.length });
  };
  commitText.addEventListener("input", showCommitChars);
  showCommitChars();

  function commitError(text) {
    const node = $("commit-error");
    node.hidden = !text;
    node.textContent = text || "";
  }

  $("commit-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = commitText.value.trim();
    commitError("");
    if (!text) { commitError(t("commit_empty")); commitText.focus(); return; }
    commitText.value = "";
    showCommitChars();
    commitmentsOut.add({
      client_id: Fac.uuid(), text, theme: $("commit-theme").value || null, signed: $("commit-signed").checked,
    });
  });

  function commitmentStored(item, ack) {
    const state = conn.live.state;
    if (!state.my_commitments) state.my_commitments = [];
    const stored = { ...ack.commitment, client_id: item.client_id };
    if (!state.my_commitments.some((c) => c.id === stored.id)) state.my_commitments.push(stored);
    if (!ack.duplicate) Fac.announce(t("commitment_recorded"));
  }

  function commitmentRefused(item, ack) {
    commitError(ack.message);
    if (!commitText.value) { commitText.value = item.text; showCommitChars(); } // give the words back
  }
})();
