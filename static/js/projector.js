/* The projector: a join screen (QR, URL, code), then a live wall of notes by table. */
"use strict";

(() => {
  const { t, el, $ } = Fac;
  const main = document.querySelector("[data-screen=projector]");
  let manualView = null; // "join" | "wall" when someone pressed the toggle

  const conn = Fac.connect("projector", main.dataset.code, {
    onSnapshot: render,
    onEvent: (name, data, state) => {
      render(state);
      if (name === "note.posted") flash(data.note.client_id);
    },
  });

  function languages(state) {
    return state.workshop.languages;
  }

  function render(state) {
    const people = state.tables.reduce((sum, tb) => sum + tb.participants.length, 0);
    $("join-count").textContent = people ? Fac.count("people_joined", people) : "";
    $("round-label").textContent = Fac.roundLabel(state);
    const q = $("question");
    q.replaceChildren(...languages(state).map((lang, i) =>
      el("span", { lang, class: i === 0 ? "q-main" : "q-other" }, state.round ? state.round.question[lang] || "" : "")));
    const banner = $("message");
    banner.hidden = !state.message;
    banner.textContent = state.message || "";
    renderTables(state);
    chooseView(state);
    Fac.renderTimer($("timer"), state.round, conn.live.clockOffset);
  }

  function chooseView(state) {
    const auto = state.round && (state.round.status !== "pending" || state.round.number > 1 || state.notes.length)
      ? "wall" : "join";
    const view = manualView || auto;
    $("join-screen").hidden = view !== "join";
    $("wall").hidden = view !== "wall";
  }

  function renderTables(state) {
    const columns = state.tables.map((table) => {
      const notes = state.notes.filter((n) => n.table === table.number).slice(-6).reverse();
      const column = el("section", { class: "wall-table", "data-table": table.number });
      const head = el("h2", {}, t("table_n", { table: table.number }));
      head.append(el("span", { class: "count" }, Fac.count("people_at_table", table.participants.length)));
      const list = el("ul", { class: "wall-notes" });
      for (const note of notes) {
        const li = el("li", { "data-client-id": note.client_id });
        li.append(el("p", {}, note.text));
        if (note.author) li.append(el("span", { class: "meta" }, note.author));
        list.append(li);
      }
      column.append(head, list);
      return column;
    });
    $("wall-tables").replaceChildren(...columns);
  }

  function flash(clientId) {
    const node = document.querySelector(`.wall-notes [data-client-id="${CSS.escape(clientId)}"]`);
    if (node) node.classList.add("fresh");
  }

  $("toggle-view").addEventListener("click", () => {
    manualView = $("wall").hidden ? "wall" : "join";
    if (conn.live.state) render(conn.live.state);
  });
  setInterval(() => conn.live.state && Fac.renderTimer($("timer"), conn.live.state.round, conn.live.clockOffset), 1000);
})();
