/* The projector: join screen (QR, URL, code), round screen (question, timer, who sits
 * where), or the live wall of notes by table, as the facilitator chooses. */
"use strict";

(() => {
  const { t, el, $ } = Fac;
  const main = document.querySelector("[data-screen=projector]");
  const WALL_TABLES = 6; // tables a page on the wall: full-height columns, a few notes each
  let manualView = null; // set by the on-screen toggle, until the facilitator chooses

  const conn = Fac.connect("projector", main.dataset.code, {
    onSnapshot: (state) => { render(state); coaching.synced(state); },
    onEvent: (name, data, state) => {
      if (name === "projector.updated") manualView = null;
      coaching.event(name, data, state); // the coaching phase's cards and room profile
      render(state);
      if (name === "projector.updated") renderHarvest(lastHarvest);
      if (name === "note.posted") flash(data.note.client_id);
      plenaryEvent(name, state);
    },
  });
  let shownView = null;
  const coaching = Fac.CoachingStore(conn, () => { if (conn.live.state) render(conn.live.state); });
  const coachingShown = (state) => Fac.CoachingProjector.active(state, coaching.data());

  function render(state) {
    const people = state.tables.reduce((sum, tb) => sum + tb.participants.length, 0);
    $("join-count").textContent = people ? Fac.count("people_joined", people) : "";
    const phase = Fac.phaseTitle(state.agenda, harvestLanguage(state));  // the room's language
    $("phase").textContent = phase ? `· ${phase}` : "";
    for (const key of ["round-label", "round-screen-label"]) $(key).textContent = Fac.roundLabel(state);
    for (const key of ["question", "round-screen-question"]) renderQuestion($(key), state);
    const banner = $("message");
    banner.hidden = !state.message;
    banner.textContent = state.message || "";
    renderWall(state);
    renderStrip(state);
    renderMap(state);
    chooseView(state);
    renderTimers(state);
    renderPlenary(state);
    if (coachingShown(state)) Fac.CoachingProjector.render(state, coaching.data(), harvestLanguage(state));
    Fit.schedule(); // a screen just shown measures itself (static/js/fit.js)
  }

  function renderQuestion(node, state) {
    node.replaceChildren(...state.workshop.languages.map((lang, i) =>
      el("span", { lang, class: i === 0 ? "q-main" : "q-other" }, state.round ? state.round.question[lang] || "" : "")));
  }

  function chooseView(state) {
    const chosen = state.projector.view;
    let view = manualView || chosen;
    if (view === "auto") {
      const started = state.round && (state.round.status !== "pending" || state.round.number > 1 || state.notes.length);
      view = started ? "wall" : "join";
      if (coachingShown(state)) view = "coaching"; // the self-scan as it fills
    }
    if (view === "coaching" && !coachingShown(state)) view = "join"; // only in the coaching phase
    $("coaching").hidden = view !== "coaching";
    $("join-screen").hidden = view !== "join";
    $("round-screen").hidden = view !== "round";
    $("wall").hidden = view !== "wall";
    $("harvest").hidden = view !== "harvest";
    $("spotlight").hidden = view !== "spotlight";
    $("vote").hidden = view !== "vote";
    $("summary").hidden = view !== "summary";
    shownView = view;
  }

  function renderWall(state) {
    const columns = state.tables.map((table) => {
      const notes = Fac.byVotes(state.notes.filter((n) => n.table === table.number));
      const column = el("section", { class: "wall-table", "data-table": table.number });
      const head = el("h2", {}, t("table_n", { table: table.number }));
      head.append(el("span", { class: "count" }, Fac.count("people_at_table", table.participants.length)));
      const list = el("ul", { class: "wall-notes" });
      const insight = state.insights[String(table.number)];
      if (insight) {
        const li = el("li", { class: "insight", "data-insight": insight.id });
        li.append(el("span", { class: "meta" }, t("key_insight")), el("p", { lang: insight.language || null }, insight.text));
        list.append(li);
      }
      for (const note of notes) {
        const li = el("li", { "data-client-id": note.client_id });
        li.append(el("p", { lang: note.language || null }, note.text));
        const meta = [note.source === "paper" ? Fac.byline(note) : note.author, note.votes ? `▲ ${note.votes}` : null].filter(Boolean).join(" · ");
        if (meta) li.append(el("span", { class: "meta" }, meta));
        list.append(li);
      }
      column.append(head, list);
      return column;
    });
    $("wall-tables").replaceChildren(...columns);
    // One row of up to six tables a page, as high as the screen: two rows of six gave
    // each column room for its key insight alone. Each shows the notes that fit, counted.
    const cols = Math.min(Math.max(columns.length, 1), WALL_TABLES);
    const rows = 1;
    $("wall-tables").style.setProperty("--wall-cols", String(cols));
    $("wall-tables").style.setProperty("--wall-rows", String(rows));
    Fit.pager("wall", {
      box: $("wall-tables"), list: $("wall-tables"), indicator: $("wall-page"), perPage: cols * rows,
      // Two items a column at least (a key insight and a note), smaller if need be.
      after: (shown) => Fit.trimGroup(shown.map((column) => [column.querySelector(".wall-notes"), column]), 2),
    });
  }

  /** Who sits where this round: names, or only counts when the facilitator keeps names off. */
  function renderMap(state) {
    const showNames = state.projector.show_names;
    $("table-map").replaceChildren(...state.tables.map((table) => {
      const card = el("section", { class: "map-table", "data-map-table": table.number });
      card.append(el("h2", {}, t("table_n", { table: table.number })));
      if (showNames) {
        const list = el("ul", {});
        for (const person of table.participants) {
          const name = person.name || t("anonymous");
          list.append(el("li", { class: person.is_host ? "host" : null }, person.is_host ? `${name} · ${t("host")}` : name));
        }
        card.append(list);
      } else {
        card.append(el("p", { class: "map-count" }, Fac.count("people_at_table", table.participants.length)));
      }
      return card;
    }));
    Fit.pager("map", { box: $("table-map"), list: $("table-map"), indicator: $("map-page") });
  }

  function renderTimers(state) {
    Fac.renderTimer($("timer"), state.round, conn.live.clockOffset);
    Fac.renderTimer($("round-screen-timer"), state.round, conn.live.clockOffset);
  }

  function flash(clientId) {
    const node = document.querySelector(`.wall-notes [data-client-id="${CSS.escape(clientId)}"]`);
    if (node) node.classList.add("fresh");
  }

  /* --- the harvest wall: a cloud drawn off the server's hub, swapped in when loaded --- */

  let lastHarvest = null; // redrawn when the facilitator picks another language
  conn.socket.on("harvest.updated", (payload) => renderHarvest(payload.data));
  // The facilitator's console turns the page of a full screen (static/js/fit.js).
  conn.socket.on("projector.page", (payload) => Fit.turnNow(payload.data.step === -1 ? -1 : 1));

  function renderHarvest(data) {
    const state = conn.live.state;
    // Two scopes may be drawn: the phones' whole workshop, and the one chosen here.
    if (!data || !state || data.scope !== state.projector.scope) return;
    lastHarvest = data;
    const img = $("cloud");
    const url = `/p/${main.dataset.code}/harvest/${data.digest}.png`;
    if (!img.src.endsWith(url)) {
      const next = new Image();
      next.onload = () => { img.src = url; img.hidden = false; $("cloud-waiting").hidden = true; };
      next.src = url; // load first, then swap: no flicker
    }
    const lang = harvestLanguage(state);
    $("cloud-caption").textContent = data.themes.map((theme) => Fac.themeText(theme, lang).title).join(", ");
    img.alt = t("cloud_alt");
    $("harvest-count").textContent = countsText(data.counts, data.notes);
    $("themes-waiting").hidden = data.themes.length > 0;
    // The other languages' titles beside each theme while there is room for them.
    const others = data.themes.length <= 4 ? state.workshop.languages.filter((code) => code !== lang) : [];
    $("themes").replaceChildren(...data.themes.map((theme) => themeItem(theme, lang, others, "h3", "blockquote")));
    Fit.pager("themes", { box: $("themes").parentElement, list: $("themes"), indicator: $("themes-page") });
  }

  /** The language the facilitator chose for the themes (default: the workshop's first). */
  function harvestLanguage(state) {
    if (!state) return document.documentElement.lang;
    return (state.projector && state.projector.language) || state.workshop.languages[0];
  }

  /** "128 notes · 18 key insights": the same count as the summary, poster and report. */
  function countsText(counts, notes) {
    if (!counts) return Fac.count("notes_count", notes);
    const parts = [Fac.count("notes_count", counts.notes)];
    if (counts.insights) parts.push(Fac.count("insights_count", counts.insights));
    return parts.join(" · ");
  }

  /** One theme: its title and quote in `lang` (marked when in another), and the titles it
   *  has in the `others` languages below, smaller. */
  function themeItem(theme, lang, others, titleTag, quoteTag) {
    const text = Fac.themeText(theme, lang);
    const li = el("li", { "data-theme": theme.key || "" });
    li.append(Fac.inLanguageEl(titleTag, {}, text.title, text.titleLanguage, lang));
    const extra = others.filter((code) => theme.titles && theme.titles[code] && code !== text.titleLanguage);
    if (extra.length && !theme.renamed) {
      const line = el("p", { class: "other-titles" });
      extra.forEach((code, i) => {
        if (i) line.append(" · ");
        line.append(el("span", { lang: code }, `${code.toUpperCase()}: ${theme.titles[code]}`));
      });
      li.append(line);
    }
    if (text.quote) li.append(Fac.inLanguageEl(quoteTag, {}, text.quote, text.quoteLanguage, lang));
    return li;
  }

  /** "Table 3, all rounds", "Round 2: <question>" or "The whole workshop". */
  function scopeLabel(state) {
    const [kind, number] = (state.projector.scope || "all").split(":");
    if (kind === "t") return t("scope_table", { table: number });
    if (kind === "r") {
      const isCurrent = state.round && state.round.number === Number(number);
      const question = isCurrent ? Fac.question(state.round, state.workshop.languages[0]) : "";
      return t("scope_round", { number, question }).replace(/:\s*$/, "");
    }
    return t("scope_all");
  }

  function inScope(state, item) {
    const [kind, number] = (state.projector.scope || "all").split(":");
    if (kind === "t") return item.table === Number(number);
    if (kind === "r") return Boolean(state.round) && state.round.number === Number(number);
    return true;
  }

  /* The strip under the cloud: the newest notes and the key insights take turns, large. */
  let turn = 0;
  function renderStrip(state) {
    $("harvest-scope").textContent = scopeLabel(state);
    const newest = state.notes.filter((n) => !n.hidden && inScope(state, n)).slice(-6).reverse();
    showTurn("newest", newest[turn % Math.max(newest.length, 1)], (n) => {
      const who = n.source === "paper" ? Fac.byline(n) : n.author; // a paper note says so
      return `${t("table_n", { table: n.table })}${who ? ` · ${who}` : ""}`;
    });
    const insights = Object.values(state.insights).filter((i) => inScope(state, i));
    showTurn("strip-insight", insights[turn % Math.max(insights.length, 1)], (i) => t("table_n", { table: i.table }));
    const photos = (state.photos || []).filter((p) => !p.hidden && inScope(state, p)).slice(-3);
    $("strip-photos").hidden = !photos.length;
    $("strip-photo-row").replaceChildren(...photos.map((photo) => el("img", {
      src: `/j/${main.dataset.code}/photos/${photo.id}.jpg?size=thumb`,
      alt: t("tablecloth_of", { table: photo.table }),
    })));
  }

  function showTurn(key, item, meta) {
    $(key).hidden = !item;
    if (!item) return;
    const text = $(`${key}-text`);
    if (text.textContent !== item.text) {
      text.textContent = item.text;
      text.classList.remove("fresh");
      void text.offsetWidth; // restart the fade-in
      text.classList.add("fresh");
      text.lang = item.language || "";
      if (!item.language) text.removeAttribute("lang");
    }
    Fit.shrink(text);
    $(`${key}-meta`).textContent = meta(item);
  }
  setInterval(() => { turn += 1; if (conn.live.state) renderStrip(conn.live.state); }, 7000);

  /* --- the plenary: one table in the spotlight, the dot-vote, the final summary --- */

  const code = main.dataset.code;
  let spotlight = null; // the answer of spotlight.view: {table, insights, notes, photos, cloud, themes}
  let spotlightTable = null;
  let summary = null;
  let summaryDue = false;

  let plenaryView = null; // the view shown at the last render: entering a view asks afresh
  function renderPlenary(state) {
    const table = state.projector.spotlight;
    const entered = shownView !== plenaryView;
    plenaryView = shownView;
    if (shownView === "spotlight") {
      if (table !== spotlightTable) spotlight = null;
      if ((entered || table !== spotlightTable) && table !== null && table !== undefined) {
        spotlightTable = table;
        fetchSpotlight();
      }
      spotlightTable = table;
      renderSpotlight(state);
    }
    renderVote(state);
    if (shownView === "summary" && entered) { if (summary) renderSummary(); fetchSummary(); }
  }

  /** Events that change what the plenary screens show: ask again, at most every few seconds. */
  function plenaryEvent(name) {
    if (shownView === "summary" && ["ballot.updated", "ballot.tally", "commitment.posted", "note.posted", "participant.joined", "projector.updated"].includes(name)) {
      summaryDue = true;
    }
    if (shownView === "spotlight" && ["note.posted", "note.voted", "insight.posted", "photo.posted", "note.hidden", "note.restored"].includes(name)) {
      spotlightDue = true;
    }
  }
  let spotlightDue = false;

  function fetchSpotlight() {
    const asked = spotlightTable;
    conn.socket.timeout(8000).emit("spotlight.view", {}, (err, ack) => {
      if (err || !ack || !ack.ok || asked !== spotlightTable) return;
      spotlight = ack.spotlight;
      if (conn.live.state) renderSpotlight(conn.live.state);
    });
  }

  function renderSpotlight(state) {
    const table = state.projector.spotlight;
    const data = spotlight && spotlight.table === table ? spotlight : null;
    const tableInfo = state.tables.find((tb) => tb.number === table);
    const name = tableInfo && tableInfo.name && tableInfo.name !== String(table) ? ` · ${tableInfo.name}` : "";
    $("spotlight-title").textContent = table === null || table === undefined ? t("spotlight_none") : `${t("table_n", { table })}${name}`;
    $("spotlight-count").textContent = tableInfo ? Fac.count("people_at_table", tableInfo.participants.length) : "";
    // The two newest key insights, large; older ones are counted, not cut.
    const allInsights = data ? data.insights : [];
    const insights = allInsights.slice(-2);
    const older = allInsights.length - insights.length;
    $("spotlight-insights").replaceChildren(...allInsights.map((insight, i) => {
      const li = el("li", { class: "spot-insight" });
      const meta = [t("key_insight"), insight.round ? t("round_n", { number: insight.round }) : null].filter(Boolean).join(" · ");
      li.append(el("span", { class: "meta" }, meta), el("p", { lang: insight.language || null }, insight.text));
      li.hidden = i < older;
      return li;
    }));
    if (older) $("spotlight-insights").append(el("li", { class: "fit-more", "data-fit-more": older }, Fac.count("more_n", older)));
    const notes = data ? data.notes : [];
    $("spotlight-notes").replaceChildren(...notes.map((note) => {
      const li = el("li", {});
      li.append(el("p", { lang: note.language || null }, note.text));
      const meta = [note.source === "paper" ? Fac.byline(note) : note.author, note.votes ? `▲ ${note.votes}` : null].filter(Boolean).join(" · ");
      if (meta) li.append(el("span", { class: "meta" }, meta));
      return li;
    }));
    Fit.pager("spotlight-notes", { box: main.querySelector(".spot-top"), list: $("spotlight-notes"), indicator: $("spotlight-notes-page") });
    $("spotlight-empty").hidden = !data || notes.length > 0 || insights.length > 0;
    // No table chosen yet: a line that says how, not an empty "Top notes" heading.
    const none = table === null || table === undefined;
    $("spotlight-hint").hidden = !none;
    main.querySelector(".spot-top").hidden = none || (Boolean(data) && !notes.length && insights.length > 0);
    // The table's own cloud: from spotlight.view, else from the wall drawn for the table.
    const wall = tableWall && tableWall.table === table ? tableWall : null;
    const cloud = (data && data.cloud) || (wall && wall.notes ? wall.digest : null);
    swapImage("spotlight-cloud", cloud ? `/p/${code}/harvest/${cloud}.png` : null, t("cloud_of_table", { table }));
    const photo = data && data.photos.length ? data.photos[data.photos.length - 1] : null;
    swapImage("spotlight-photo", photo ? `/j/${code}/photos/${photo.id}.jpg` : null, t("tablecloth_of", { table }));
    const themes = photo ? [] : (data && data.themes) || (wall && wall.themes) || [];
    $("spotlight-themes").hidden = !themes.length;
    const lang = harvestLanguage(conn.live.state);
    $("spotlight-themes").replaceChildren(...themes.map((theme) => themeItem(theme, lang, [], "strong", "q")));
    Fit.trim($("spotlight-themes"), $("spotlight-themes"));
  }

  let tableWall = null; // {table, digest, themes, notes}: the harvest wall drawn for the spotlit table
  conn.socket.on("harvest.updated", (payload) => {
    const state = conn.live.state;
    const table = state && state.projector.spotlight;
    if (table === null || table === undefined || payload.data.scope !== `t:${table}`) return;
    tableWall = { ...payload.data, table };
    if (shownView === "spotlight") renderSpotlight(state);
  });

  /** Load an image first, then show it: no flicker, no broken picture. */
  function swapImage(key, url, alt) {
    const img = $(key);
    const figure = $(`${key}-figure`);
    if (!url) { figure.hidden = true; img.removeAttribute("src"); return; }
    img.alt = alt;
    if (img.getAttribute("src") === url) { figure.hidden = false; return; }
    const next = new Image();
    next.onload = () => { img.src = url; figure.hidden = false; };
    next.src = url;
  }

  /* The dot-vote: live bars, most dots first. */
  function renderVote(state) {
    const ballot = state.ballot;
    $("vote-waiting").hidden = Boolean(ballot);
    $("vote-screen-title").textContent = ballot && ballot.status === "closed" ? t("vote_results_title") : t("vote_title");
    $("vote-lead").textContent = ballot && ballot.status === "open" ? t("vote_lead", { dots: ballot.dots_per_person }) : "";
    const status = $("vote-status");
    status.textContent = ballot ? t(ballot.status === "open" ? "vote_open" : "vote_closed") : "";
    status.dataset.status = ballot ? ballot.status : "";
    $("vote-voters").textContent = ballot ? Fac.count("voters", ballot.voters || 0) : "";
    const rows = Fac.ranked(ballot);
    const most = Math.max(1, ...rows.map((r) => r.dots));
    $("vote-bars").classList.toggle("dense", rows.length > 5);
    $("vote-bars").classList.toggle("roomy", rows.length <= 4);
    $("vote-bars").replaceChildren(...rows.map((row) => {
      const li = el("li", { class: "vote-row", "data-option": row.key, "data-dots": row.dots });
      const lang = harvestLanguage(state);
      const parts = Fac.optionParts(row, lang);
      const label = el("div", { class: "vote-label" });
      label.append(Fac.inLanguageEl("strong", {}, parts.title, parts.titleLanguage, lang));
      if (parts.detail && parts.detail !== parts.title) label.append(Fac.inLanguageEl("span", {}, parts.detail, parts.detailLanguage, lang));
      const bar = el("div", { class: "vote-bar" });
      const track = el("span", { class: "vote-track" });
      const fill = el("span", { class: "vote-fill" });
      fill.style.width = `${Math.max(row.dots ? 2 : 0, Math.round((row.dots / most) * 100))}%`;
      track.append(fill);
      bar.append(track, el("span", { class: "vote-count", "data-test": "vote-count" }, String(row.dots)));
      bar.setAttribute("aria-label", Fac.count("dots_n", row.dots));
      bar.setAttribute("role", "img");
      li.append(label, bar);
      return li;
    }));
    Fit.pager("vote", { box: $("vote-bars"), list: $("vote-bars"), indicator: $("vote-page") });
  }

  /* The final summary: numbers, themes, the vote's priorities, some commitments. */
  function fetchSummary() {
    conn.socket.timeout(10000).emit("summary.view", {}, (err, ack) => {
      if (err || !ack || !ack.ok) return;
      summary = ack.summary;
      renderSummary();
    });
  }

  function renderSummary() {
    if (!summary) return;
    const n = summary.numbers;
    const numbers = [
      [n.people, Fac.count("sum_people", n.people)],
      [n.tables, Fac.count("sum_tables", n.tables)],
      [n.notes, Fac.count("sum_notes", n.notes)],
      [n.insights || 0, Fac.count("sum_insights", n.insights || 0)],
      [(n.languages || []).length, Fac.count("sum_languages", (n.languages || []).length)],
    ];
    $("summary-numbers").replaceChildren(...numbers.flatMap(([value, label]) => {
      const wrap = el("div", {});
      wrap.append(el("dt", {}, label), el("dd", {}, String(value)));
      return [wrap];
    }));
    const lang = harvestLanguage(conn.live.state);
    $("summary-themes").replaceChildren(...(summary.themes.length
      ? summary.themes.map((theme) => themeItem(theme, lang, [], "h3", "blockquote"))
      : [el("li", { class: "summary-empty" }, t("summary_no_themes"))]));
    const priorities = summary.priorities;
    const most = Math.max(1, ...priorities.map((p) => p.dots));
    $("summary-priorities").replaceChildren(...(priorities.length ? priorities.map((p) => {
      const li = el("li", { "data-dots": p.dots });
      const parts = Fac.optionParts(p, lang);
      const head = el("div", { class: "prio-head" });
      head.append(
        Fac.inLanguageEl("strong", {}, parts.title, parts.titleLanguage, lang),
        el("span", { class: "prio-dots" }, Fac.count("dots_n", p.dots)),
      );
      const bar = el("div", { class: "prio-bar", "aria-hidden": "true" });
      const fill = el("span", {});
      fill.style.width = `${Math.round((p.dots / most) * 100)}%`;
      bar.append(fill);
      li.append(head, bar);
      if (parts.detail && parts.detail !== parts.title) {
        li.append(Fac.inLanguageEl("p", { class: "prio-text" }, parts.detail, parts.detailLanguage, lang));
      }
      return li;
    }) : [el("li", { class: "summary-empty" }, t("summary_no_vote"))]));
    const commitments = summary.commitments.slice().reverse();
    $("summary-commitments").replaceChildren(...(commitments.length ? commitments.map((c) => {
      const li = el("li", {});
      li.append(el("blockquote", { lang: c.language }, c.text));
      const meta = [c.signed_as, c.theme ? t("theme_is", { theme: c.theme }) : null].filter(Boolean).join(" — ");
      if (meta) li.append(el("p", { class: "meta" }, meta));
      return li;
    }) : [el("li", { class: "summary-empty" }, t("summary_no_commitments"))]));
    for (const key of ["themes", "priorities", "commitments"]) {
      const list = $(`summary-${key}`);
      Fit.pager(`summary-${key}`, { box: list.parentElement, list, indicator: $(`summary-${key}-page`) });
    }
  }

  setInterval(() => {
    if (!conn.socket.connected) return;
    if (shownView === "summary" && summaryDue) { summaryDue = false; fetchSummary(); }
    if (shownView === "spotlight" && spotlightDue) { spotlightDue = false; fetchSpotlight(); }
  }, 3000);
  setInterval(() => {
    if (!conn.socket.connected) return;
    if (shownView === "spotlight" && spotlightTable !== null && spotlightTable !== undefined) fetchSpotlight();
    if (shownView === "summary") fetchSummary();
  }, 10000);

  const SCREENS = {
    join: "join-screen", round: "round-screen", wall: "wall", harvest: "harvest",
    spotlight: "spotlight", vote: "vote", summary: "summary", coaching: "coaching",
  };
  $("toggle-view").addEventListener("click", () => {
    const order = Object.keys(SCREENS).filter((v) => v !== "coaching" || coachingShown(conn.live.state));
    const now = order.find((v) => !$(SCREENS[v]).hidden);
    manualView = order[(order.indexOf(now) + 1) % order.length];
    if (conn.live.state) render(conn.live.state);
  });
  setInterval(() => conn.live.state && renderTimers(conn.live.state), 1000);
})();
