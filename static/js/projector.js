/* The projector: join screen (QR, URL, code), round screen (question, timer, who sits
 * where), or the live wall of notes by table, as the facilitator chooses. */
"use strict";

(() => {
  const { t, el, $ } = Fac;
  const main = document.querySelector("[data-screen=projector]");
  let manualView = null; // set by the on-screen toggle, until the facilitator chooses

  const conn = Fac.connect("projector", main.dataset.code, {
    onSnapshot: render,
    onEvent: (name, data, state) => {
      if (name === "projector.updated") manualView = null;
      render(state);
      if (name === "note.posted") flash(data.note.client_id);
    },
  });

  function render(state) {
    const people = state.tables.reduce((sum, tb) => sum + tb.participants.length, 0);
    $("join-count").textContent = people ? Fac.count("people_joined", people) : "";
    $("phase").textContent = Fac.phaseTitle(state.agenda, state.workshop.languages[0]) ? `· ${Fac.phaseTitle(state.agenda, state.workshop.languages[0])}` : "";
    for (const key of ["round-label", "round-screen-label"]) $(key).textContent = Fac.roundLabel(state);
    for (const key of ["question", "round-screen-question"]) renderQuestion($(key), state);
    const banner = $("message");
    banner.hidden = !state.message;
    banner.textContent = state.message || "";
    renderWall(state);
    renderMap(state);
    chooseView(state);
    renderTimers(state);
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
    }
    $("join-screen").hidden = view !== "join";
    $("round-screen").hidden = view !== "round";
    $("wall").hidden = view !== "wall";
    $("harvest").hidden = view !== "harvest";
  }

  function renderWall(state) {
    const columns = state.tables.map((table) => {
      const notes = Fac.byVotes(state.notes.filter((n) => n.table === table.number)).slice(0, 6);
      const column = el("section", { class: "wall-table", "data-table": table.number });
      const head = el("h2", {}, t("table_n", { table: table.number }));
      head.append(el("span", { class: "count" }, Fac.count("people_at_table", table.participants.length)));
      const list = el("ul", { class: "wall-notes" });
      const insight = state.insights[String(table.number)];
      if (insight) {
        const li = el("li", { class: "insight", "data-insight": insight.id });
        li.append(el("span", { class: "meta" }, t("key_insight")), el("p", {}, insight.text));
        list.append(li);
      }
      for (const note of notes) {
        const li = el("li", { "data-client-id": note.client_id });
        li.append(el("p", {}, note.text));
        const meta = [note.author, note.votes ? `▲ ${note.votes}` : null].filter(Boolean).join(" · ");
        if (meta) li.append(el("span", { class: "meta" }, meta));
        list.append(li);
      }
      column.append(head, list);
      return column;
    });
    $("wall-tables").replaceChildren(...columns);
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

  conn.socket.on("harvest.updated", (payload) => {
    const data = payload.data;
    const img = $("cloud");
    const url = `/p/${main.dataset.code}/harvest/${data.digest}.png`;
    if (!img.src.endsWith(url)) {
      const next = new Image();
      next.onload = () => { img.src = url; img.hidden = false; $("cloud-waiting").hidden = true; };
      next.src = url; // load first, then swap: no flicker
    }
    $("cloud-caption").textContent = data.themes.map((theme) => theme.label).join(", ");
    img.alt = t("cloud_alt");
    $("harvest-count").textContent = Fac.count("notes_count", data.notes);
    $("themes").replaceChildren(...data.themes.map((theme) => {
      const li = el("li", {});
      li.append(el("h3", {}, theme.label), el("blockquote", {}, theme.quote));
      return li;
    }));
  });

  const SCREENS = { join: "join-screen", round: "round-screen", wall: "wall", harvest: "harvest" };
  $("toggle-view").addEventListener("click", () => {
    const order = Object.keys(SCREENS);
    const now = order.find((v) => !$(SCREENS[v]).hidden);
    manualView = order[(order.indexOf(now) + 1) % order.length];
    if (conn.live.state) render(conn.live.state);
  });
  setInterval(() => conn.live.state && renderTimers(conn.live.state), 1000);
})();
