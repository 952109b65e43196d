/* The facilitator's coaching panel, during a coaching phase: draw a card for the room
 * (from any area or one), deal one per table, make a card or an area the next round's
 * question, and the self-scan's live count of answers. facilitator.js renders it. */
"use strict";

Fac.CoachingConsole = (() => {
  const { t, el, $ } = Fac;
  const { conn, lang } = window.FacConsole;
  const store = Fac.CoachingStore(conn, () => { if (conn.live.state) render(conn.live.state); });

  function send(event, payload, onOk) {
    conn.socket.timeout(10000).emit(event, payload, (err, ack) => {
      if (err || !ack.ok) { say(err ? t("no_answer") : ack.message, true); return; }
      say("");
      if (onOk) onOk(ack);
    });
  }

  function say(text, isError) {
    const error = $("coaching-error");
    error.hidden = !(isError && text);
    error.textContent = isError ? text : "";
    if (!isError) $("coaching-status").textContent = text || "";
    if (text && isError) Fac.announce(text);
  }

  function questionSet(ack) {
    const question = ack.question[lang] || Object.values(ack.question)[0] || "";
    $("coaching-status").textContent = t("question_set", { round: ack.round, question });
  }

  function cardItem(draw) {
    const li = el("li", { class: "console-card", "data-test": "console-card" });
    li.append(el("p", { class: "muted small" }, draw.table === null ? t("card_for_room") : t("card_for_table", { table: draw.table })));
    li.append(el("p", { lang }, Fac.titleIn(draw.text, lang)));
    const use = el("button", { type: "button", class: "small-button", "data-test": "card-to-question" }, t("use_as_question"));
    use.addEventListener("click", () => send("coaching.to_question", { draw: draw.id }, questionSet));
    li.append(use);
    return li;
  }

  let areasShown = "";

  function render(state) {
    const panel = $("coaching-panel");
    if (!panel) return;
    const coaching = store.data();
    panel.hidden = !store.inPhase(state) || !coaching;
    if (panel.hidden) return;
    const { areas, draws, profile } = coaching;
    const keys = areas.map((a) => a.key).join("\n");
    if (keys !== areasShown) {
      areasShown = keys;
      for (const name of ["coaching-area", "coaching-question-area"]) {
        const select = $(name);
        const first = name === "coaching-area" ? [el("option", { value: "" }, t("any_area"))] : [];
        select.replaceChildren(...first, ...areas.map((a) => el("option", { value: a.key }, Fac.titleIn(a.title, lang))));
      }
    }
    $("coaching-cards-list").replaceChildren(...draws.map(cardItem));
    $("coaching-count").textContent = profile.answers
      ? `${Fac.count("answers_count", profile.answers)} · ${Fac.count("people_answered", profile.people)}`
      : t("no_answers_yet");
  }

  $("coaching-draw").addEventListener("click", () => {
    const area = $("coaching-area").value;
    send("coaching.draw", area ? { area } : {});
  });
  $("coaching-deal").addEventListener("click", () => send("coaching.deal", {}));
  $("coaching-area-to-question").addEventListener("click", () => {
    send("coaching.to_question", { area: $("coaching-question-area").value }, questionSet);
  });

  return { render, synced: store.synced, event: store.event };
})();
