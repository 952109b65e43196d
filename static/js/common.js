/* Shared by every screen: texts, the connection with catch-up, the state reducer, timers.
 * No framework: this runs on cheap phones. User text is only ever set with textContent.
 * A plain browser script that Node can also load (see the end): the test suite runs this
 * very reducer, not a twin of it (tests/js_reducer.py). */
"use strict";

const Fac = (() => {
  let strings = null; // read on first use: under Node there is no page to read them from

  function texts() {
    if (strings === null) {
      const node = typeof document === "undefined" ? null : document.getElementById("i18n");
      strings = node ? JSON.parse(node.textContent) : {};
    }
    return strings;
  }

  /** A translated text with {name} values filled in. */
  function t(key, values) {
    let text = texts()[key] || key;
    for (const [name, value] of Object.entries(values || {})) {
      text = text.split("{" + name + "}").join(String(value));
    }
    return text;
  }

  /** Make an element with attributes and text (never HTML). */
  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value);
    }
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function $(selector) {
    return document.querySelector(`[data-test="${selector}"]`);
  }

  /** Who wrote a note, as its meta line says: a name, "Anonymous", or the paper mark. */
  function byline(note) {
    if (note.source === "paper") return `✎ ${t("on_paper")}`;
    return note.author || t("anonymous");
  }

  /** A UUID from getRandomValues (crypto.randomUUID needs HTTPS, venue Wi-Fi has none). */
  function uuid() {
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function announce(text) {
    const node = $("announcer");
    if (!node) return;
    node.textContent = "";
    setTimeout(() => { node.textContent = text; }, 50);
  }

  /* --- the state reducer: what every screen does with each event --- */

  const isParticipant = (state) => "seat" in state;
  const atMyTable = (state, note) => !isParticipant(state) || (state.seat && state.seat.table === note.table);

  function count(state, tableNumber, delta) {
    for (const table of state.tables || []) if (table.number === tableNumber) table.notes += delta;
  }

  function insertById(list, note) {
    list.push(note);
    list.sort((a, b) => a.id - b.id);
  }

  /** A note of the round on screen? A late one (written offline before a round change,
   *  stored at its own round) is not: screens show this round's notes only. */
  const thisRound = (state, note) => Boolean(state.round) && note.round_id === state.round.id;

  const reducers = {
    "note.posted": (state, data) => {
      const note = data.note;
      if (!atMyTable(state, note)) return; // a table this phone has left
      if (!thisRound(state, note)) { // a host's briefing holds the table's earlier rounds
        if (state.handover && !state.handover.some((n) => n.id === note.id)) insertById(state.handover, note);
        return;
      }
      if (state.notes.some((n) => n.client_id === note.client_id)) return;
      state.notes.push(note);
      count(state, note.table, +1);
    },
    "insight.posted": (state, data) => {
      const insight = data.insight;
      if (!thisRound(state, insight)) return; // a late one: screens show this round's
      if (isParticipant(state)) {
        if (state.seat && state.seat.table === insight.table) state.insight = insight;
      } else state.insights[String(insight.table)] = insight;
    },
    "note.voted": (state, data) => {
      for (const note of state.notes) if (note.id === data.id) note.votes = data.votes;
      if (state.me && data.voter === state.me.public_id) {
        const mine = new Set(state.my_votes);
        if (data.up) mine.add(data.id); else mine.delete(data.id);
        state.my_votes = [...mine].sort((a, b) => a - b);
      }
    },
    "photo.posted": (state, data) => {
      const photo = data.photo;
      if (!atMyTable(state, photo) || !state.round || photo.round_id !== state.round.id) return;
      if (!state.photos.some((p) => p.client_id === photo.client_id)) state.photos.push(photo);
    },
    "note.hidden": (state, data) => {
      for (const photo of state.photos) if (photo.id === data.id) photo.hidden = true;
      if (state.role !== "facilitator") state.photos = state.photos.filter((p) => p.id !== data.id);
      for (const note of state.notes) {
        if (note.id === data.id && !note.hidden) {
          count(state, note.table, -1);
          if (state.role === "facilitator") note.hidden = true;
        }
      }
      if (state.role !== "facilitator") state.notes = state.notes.filter((n) => n.id !== data.id);
      if (state.handover) state.handover = state.handover.filter((n) => n.id !== data.id);
    },
    "note.restored": (state, data) => {
      const note = data.note;
      if (!atMyTable(state, note)) return;
      if (note.kind === "photo") {
        if (!state.round || note.round_id !== state.round.id) return;
        const shown = state.photos.find((p) => p.id === note.id);
        if (shown) shown.hidden = false; else insertById(state.photos, note);
        return;
      }
      if (!state.round || note.round_id !== state.round.id) {
        if (state.handover) insertById(state.handover, note);
        return;
      }
      const known = state.notes.find((n) => n.id === note.id);
      if (known) known.hidden = false;
      else insertById(state.notes, note);
      count(state, note.table, +1);
    },
    "round.updated": (state, data) => {
      if (!state.round || state.round.id !== data.round.id) {
        state.notes = [];
        state.photos = [];
        if (state.insights) state.insights = {};
        for (const table of state.tables || []) table.notes = 0;
      }
      state.round = data.round;
    },
    "seat.assigned": (state, data) => { state.seat = data.seat; state.notes = []; state.photos = []; state.insight = null; },
    /* A new round: the phone's new seat with its table's contents, no snapshot needed. */
    "round.seats": (state, data) => {
      const seat = state.me && data.seats[state.me.public_id];
      if (!seat) return;
      state.round = data.round;
      state.seat = seat;
      state.notes = data.notes || [];
      state.photos = data.photos || [];
      state.insight = data.insight || null;
      state.my_votes = [];
      state.handover = state.me.is_host ? data.handover || [] : null;
    },
    "seating.changed": (state, data) => {
      const counts = new Map((state.tables || []).map((tb) => [tb.number, tb.notes]));
      state.tables = data.tables.map((tb) => ({ ...tb, notes: counts.get(tb.number) || 0 }));
    },
    "table.host_changed": (state, data) => {
      if (state.seat && state.seat.table === data.table) state.seat.host = data.host;
    },
    "participant.joined": (state, data) => {
      const person = data.participant;
      for (const table of state.tables || []) {
        if (table.number === person.table && !table.participants.some((p) => p.public_id === person.public_id)) {
          table.participants.push(person);
          table.participants.sort((a, b) => Number(b.is_host) - Number(a.is_host));
        }
      }
    },
    "participant.presence": (state, data) => {
      for (const table of state.tables || []) {
        for (const person of table.participants) {
          if (person.public_id === data.public_id) person.presence = data.presence;
        }
      }
    },
    "message.broadcast": (state, data) => { state.message = data.text; },
    "agenda.updated": (state, data) => { state.agenda = data.agenda; },
    "projector.updated": (state, data) => { state.projector = data; },
    // Applied at the next drawing of the wall (harvest.updated): numbered all the same.
    "theme.changed": () => {},
    /* plenary: dot-voting and commitments */
    "ballot.updated": (state, data) => {
      const ballot = data.ballot;
      if ("my_dots" in state && (!state.ballot || state.ballot.id !== ballot.id)) state.my_dots = {}; // a new vote
      state.ballot = ballot;
    },
    "ballot.tally": (state, data) => {
      if (state.ballot && state.ballot.id === data.ballot) {
        state.ballot.totals = data.totals;
        state.ballot.voters = data.voters;
      }
    },
    "ballot.mine": (state, data) => { // the voter's own dots, from another of their tabs
      if (state.ballot && state.ballot.id === data.ballot) state.my_dots = data.dots;
    },
    // The coaching phase's state is not in snapshots: each screen's coaching store
    // (coaching_store.js) applies these; numbered all the same.
    "coaching.drawn": () => {},
    "selfscan.profile": () => {},
    "commitment.posted": (state, data) => {
      const key = "my_commitments" in state ? "my_commitments" : "commitments";
      if (!state[key]) state[key] = [];
      if (!state[key].some((c) => c.id === data.commitment.id)) state[key].push(data.commitment);
    },
  };

  function applyEvent(state, name, seq, data) {
    state.seq = Math.max(state.seq, seq);
    if (reducers[name]) reducers[name](state, data);
    return state;
  }

  /** The state after a sync's answer, and the live events that came in meanwhile.
   *  A snapshot replaces the state, replayed events extend it; then the live events it
   *  does not cover (a higher number) are applied after it, in order. Dropping them
   *  lost a note posted while a phone's sync was on its way (two workers). Returns the
   *  state, the number now covered, and the live events applied. */
  function catchUp(state, ack, arrived) {
    const next = ack.snapshot || state;
    if (!ack.snapshot) {
      // Already applied when two syncs overlap: the state's number says so.
      for (const e of ack.events) if (e.seq > next.seq) applyEvent(next, e.name, e.seq, e.data);
      next.seq = Math.max(next.seq, ack.seq);
    }
    const covered = next.seq;
    const later = arrived.filter((e) => e.seq > covered).sort((a, b) => a.seq - b.seq);
    for (const e of later) applyEvent(next, e.name, e.seq, e.data);
    return { state: next, covered, later };
  }

  /* --- connection: authenticate, then catch up with the last number seen --- */

  const EVENTS = Object.keys(reducers);

  function connect(role, code, handlers) {
    const socket = io({ auth: { code, role }, transports: ["websocket", "polling"] });
    // snapshotSeq: the number the last catch-up covered; live events at or below it are in.
    const live = { state: null, snapshotSeq: 0, clockOffset: 0, harvest: null };
    let syncing = 0; // syncs on their way
    let arrived = []; // live events received meanwhile: applied after the answer

    function setStatus(kind) {
      const pill = $("connection");
      if (pill) {
        pill.dataset.state = kind;
        pill.textContent = t(kind === "online" ? "connected" : kind);
      }
      if (handlers.onStatus) handlers.onStatus(kind);
    }

    /** Catch up from the last number seen, or ask for a fresh snapshot. */
    function sync(fresh) {
      const lastSeq = live.state && !fresh ? live.state.seq : 0;
      syncing += 1;
      socket.timeout(10000).emit("sync", { last_seq: lastSeq }, (err, ack) => {
        syncing -= 1;
        if (err || !ack || !ack.ok) {
          release();
          setTimeout(() => socket.connected && sync(fresh), 2000);
          return;
        }
        if (ack.harvest) live.harvest = ack.harvest; // phones: the workshop's newest cloud
        if (ack.snapshot) live.clockOffset = Date.parse(ack.snapshot.server_time) - Date.now();
        const result = catchUp(live.state, ack, arrived);
        live.state = result.state;
        live.snapshotSeq = result.covered;
        // Kept while another sync is on its way: its snapshot may be older than them.
        if (syncing === 0) arrived = [];
        handlers.onSnapshot(live.state);
        for (const e of result.later) handlers.onEvent(e.name, e.data, live.state);
      });
    }

    /** A sync that failed: what arrived meanwhile goes on the state we have, if any. */
    function release() {
      if (syncing > 0 || !live.state) return;
      const waiting = arrived.filter((e) => e.seq > live.snapshotSeq).sort((a, b) => a.seq - b.seq);
      arrived = [];
      for (const e of waiting) receive(e);
    }

    function receive(e) {
      applyEvent(live.state, e.name, e.seq, e.data);
      handlers.onEvent(e.name, e.data, live.state);
    }

    for (const name of EVENTS) {
      socket.on(name, (payload) => {
        const e = { name, seq: payload.seq, data: payload.data };
        if (syncing > 0 || !live.state) { arrived.push(e); return; } // the answer decides
        if (e.seq <= live.snapshotSeq) return; // already in the snapshot
        receive(e);
      });
    }
    socket.on("connect", () => { setStatus("online"); sync(false); });
    socket.on("disconnect", () => setStatus(navigator.onLine ? "reconnecting" : "offline"));
    socket.on("connect_error", (err) => {
      setStatus(navigator.onLine ? "reconnecting" : "offline");
      if (err && err.message === "unauthorized" && handlers.onUnauthorized) handlers.onUnauthorized();
    });
    // A phone that knows it lost the network stops waiting for a timeout.
    window.addEventListener("offline", () => { setStatus("offline"); socket.disconnect(); });
    window.addEventListener("online", () => { setStatus("reconnecting"); socket.connect(); });
    // Caught up: a state, and no sync on its way that would replace it.
    const caughtUp = () => live.state !== null && syncing === 0;
    return { socket, live, sync, caughtUp };
  }

  /* --- timers: the server sends an end time; we count down locally --- */

  function remainingSeconds(round, clockOffset) {
    if (!round || round.status !== "running" || !round.ends_at) return null;
    return Math.max(0, Math.round((Date.parse(round.ends_at) - (Date.now() + clockOffset)) / 1000));
  }

  function formatSeconds(total) {
    const m = Math.floor(total / 60);
    const s = total % 60;
    return `${m}:${String(s).padStart(2, "0")}`;
  }

  /** Fill a timer element; returns "pending" | "paused" | "running" | "warning" | "up". */
  function renderTimer(node, round, clockOffset) {
    if (!node) return null;
    if (!round) { node.textContent = ""; node.removeAttribute("aria-label"); return null; }
    let phase;
    // The label says what the screen shows (a paused timer kept its last running label).
    let label = null;
    if (round.status === "pending") {
      node.textContent = `${t("not_started")} · ${formatSeconds(round.duration_seconds)}`;
      phase = "pending";
    } else if (round.status === "paused") {
      node.textContent = `${t("paused")} · ${formatSeconds(round.paused_remaining || 0)}`;
      phase = "paused";
    } else {
      const left = round.status === "running" ? remainingSeconds(round, clockOffset) : 0;
      if (left > 0) {
        node.textContent = formatSeconds(left);
        label = `${t("time_left")}: ${formatSeconds(left)}`;
        phase = left <= 60 ? "warning" : "running";
      } else {
        node.textContent = t("times_up");
        phase = "up";
      }
    }
    node.setAttribute("aria-label", label || node.textContent);
    node.dataset.phase = phase;
    return phase;
  }

  function roundLabel(state) {
    if (!state.round) return "";
    return t("round_of", { number: state.round.number, total: state.workshop.rounds_total });
  }

  /** The current phase of the agenda, in a language. */
  function phaseTitle(agenda, language) {
    const phase = agenda && agenda.phases.find((p) => p.id === agenda.current);
    return phase ? titleIn(phase.title, language) : "";
  }

  /** A text per language in `language`, else in the workshop's first language that has it
      (the server keeps the keys in the workshop's order of languages). */
  function titleIn(byLanguage, language) {
    return (byLanguage && (byLanguage[language] || Object.values(byLanguage)[0])) || "";
  }

  /** Most upvoted first, then newest: the top notes float up. */
  function byVotes(notes) {
    return notes.slice().sort((a, b) => (b.votes || 0) - (a.votes || 0) || b.id - a.id);
  }

  function question(round, language) {
    if (!round) return "";
    return round.question[language] || round.question.en || Object.values(round.question)[0] || "";
  }

  /** A ballot's options with their dots, most dots first (then in the ballot's order). */
  function ranked(ballot) {
    const totals = (ballot && ballot.totals) || {};
    return (ballot ? ballot.options : [])
      .map((option, index) => ({ ...option, dots: totals[option.key] || 0, index }))
      .sort((a, b) => b.dots - a.dots || a.index - b.index);
  }

  /** A text in the reader's language where there is one, else in the first language
   *  present: [text, its language]. */
  function inLanguage(byLanguage, language) {
    if (!byLanguage) return ["", null];
    if (byLanguage[language]) return [byLanguage[language], language];
    const first = Object.keys(byLanguage)[0];
    return first ? [byLanguage[first], first] : ["", null];
  }

  /** A harvest theme for one reader: its title and quote in their language where the
   *  theme has notes in it, otherwise in its own (the `...Language` says which). */
  function themeText(theme, language) {
    const [title, titleLanguage] = inLanguage(theme.titles, language);
    const quotes = {};
    for (const [code, quote] of Object.entries(theme.quotes || {})) quotes[code] = quote.text;
    const [quote, quoteLanguage] = inLanguage(quotes, language);
    return {
      title: title || theme.label || "",
      titleLanguage: title ? titleLanguage : null,
      quote: quote || theme.quote || "",
      quoteLanguage: quote ? quoteLanguage : theme.quote_language || null,
    };
  }

  /** An element holding `text` in `textLanguage`, marked "(NL)" when that is not the
   *  reader's: `lang` lets the browser hyphenate and a screen reader pronounce it. */
  function inLanguageEl(tag, attrs, text, textLanguage, language) {
    const node = el(tag, textLanguage ? { ...attrs, lang: textLanguage } : attrs, text);
    if (textLanguage && textLanguage !== language) {
      node.append(" ", el("span", { class: "lang-mark" }, `(${textLanguage.toUpperCase()})`));
    }
    return node;
  }

  /** How a ballot option reads: a theme by its title (its quote below) in the reader's
   *  language, a key insight by its words ("Key insight · table 3, round 1" below). */
  function optionParts(option, language) {
    if (option.kind !== "insight") {
      const [title, titleLanguage] = inLanguage(option.titles, language);
      const [text, textLanguage] = inLanguage(option.texts, language);
      return {
        title: title || option.label || option.text || "",
        detail: text || option.text || "",
        titleLanguage: title ? titleLanguage : null,
        detailLanguage: text ? textLanguage : null,
      };
    }
    let table = option.table;
    let round = option.round;
    const parsed = /^(\d+)\D+(\d+)$/.exec(option.label || "");
    if ((table === undefined || table === null) && parsed) { table = parsed[1]; round = parsed[2]; }
    const where = table !== undefined && table !== null
      ? t(round ? "insight_from" : "insight_from_table", { table, round }) : t("key_insight");
    return { title: option.text || option.label || "", detail: where };
  }

  /** "1 note" or "{count} notes": the catalogues hold both forms (ngettext), and the
   *  page's language says which a number takes (French: "0 note", English: "0 notes"). */
  let pluralRules = null;
  function countText(key, n, values) {
    if (!pluralRules) pluralRules = new Intl.PluralRules(document.documentElement.lang || "en");
    const form = pluralRules.select(n) === "one" ? `${key}_one` : key;
    return t(form, { count: n, ...(values || {}) });
  }

  return {
    t, count: countText, el, $, uuid, byline, announce, applyEvent, catchUp, connect, renderTimer, roundLabel,
    question, remainingSeconds, formatSeconds, phaseTitle, titleIn, byVotes, ranked, optionParts,
    themeText, inLanguageEl,
  };
})();

// Under Node (the test suite) the same file is a module; in a browser `Fac` is a global.
if (typeof module !== "undefined" && module.exports) module.exports = Fac;
