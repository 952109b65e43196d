/* The facilitator's console: tables and people, round controls, broadcast. */
"use strict";

(() => {
  const { t, el, $ } = Fac;
  const main = document.querySelector("[data-screen=facilitator]");
  const lang = document.documentElement.lang;

  const conn = Fac.connect("facilitator", main.dataset.code, {
    onSnapshot: render,
    onEvent: (_name, _data, state) => render(state),
  });

  function render(state) {
    const round = state.round;
    $("round-label").textContent = round
      ? `${Fac.roundLabel(state)} · ${t(`status_${round.status}`)}` : "";
    $("question").textContent = Fac.question(round, lang);
    const last = round && round.number >= state.workshop.rounds_total;
    document.querySelector('[data-action="round.start"]').disabled = !round || round.status !== "pending";
    document.querySelector('[data-action="round.end"]').disabled = !round || round.status !== "running";
    document.querySelector('[data-action="round.next"]').disabled = !round || last;
    document.querySelector('[data-action="round.next"]').title = last ? t("last_round") : "";
    renderTables(state);
    Fac.renderTimer($("timer"), round, conn.live.clockOffset);
  }

  function renderTables(state) {
    let total = 0;
    const cards = state.tables.map((table) => {
      total += table.participants.length;
      const card = el("article", { class: "table-card", "data-table": table.number });
      const head = el("h3", {}, t("table_n", { table: table.number }));
      const meta = el("p", { class: "muted small" },
        `${t("people_count", { count: table.participants.length, capacity: table.capacity })} · ${Fac.count("notes_count", table.notes)}`);
      const list = el("ul", { class: "people" });
      for (const person of table.participants) {
        const li = el("li", { "data-presence": person.presence });
        li.append(el("span", { class: "dot", "aria-hidden": "true" }));
        li.append(el("span", { class: "name" }, person.name || t("anonymous")));
        const tags = [person.language.toUpperCase()];
        if (person.is_host) tags.unshift(t("host"));
        if (person.role) tags.push(t(`role_${person.role}`));
        tags.push(t(person.presence === "connected" ? "present" : "away"));
        li.append(el("span", { class: "tags" }, tags.join(" · ")));
        list.append(li);
      }
      card.append(head, meta, list);
      return card;
    });
    $("tables").replaceChildren(...cards);
    $("people-total").textContent = `(${total})`;
  }

  function showError(text) {
    const node = $("control-error");
    node.hidden = !text;
    node.textContent = text || "";
  }

  for (const button of document.querySelectorAll("[data-action]")) {
    button.addEventListener("click", () => {
      const state = conn.live.state;
      if (!state || !state.round) return;
      const action = button.dataset.action;
      const payload = {};
      if (action === "round.next") {
        if (!window.confirm(t("confirm_next", { number: state.round.number + 1 }))) return;
        payload.expected = state.round.number;
      }
      button.disabled = true;
      conn.socket.timeout(10000).emit(action, payload, (err, ack) => {
        button.disabled = false;
        if (err) showError(t("error_generic"));
        else if (!ack.ok) { showError(ack.message); conn.sync(); }
        else showError("");
        if (conn.live.state) render(conn.live.state);
      });
    });
  }

  $("broadcast-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("broadcast-text");
    conn.socket.timeout(10000).emit("message.send", { text: input.value }, (err, ack) => {
      if (err) showError(t("error_generic"));
      else if (!ack.ok) showError(ack.message);
      else { showError(""); input.value = ""; }
    });
  });
  setInterval(() => conn.live.state && Fac.renderTimer($("timer"), conn.live.state.round, conn.live.clockOffset), 1000);
})();
