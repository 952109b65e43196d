/* The projector in the coaching phase: the card drawn for the room (or those dealt to
 * the tables) big, and the room's self-scan as it fills: a radar chart of the areas'
 * averages (hand-made SVG), the spread per area, and the areas people disagree most
 * about. An area with fewer answers than the minimum shows "too few answers to show".
 * Every word of the screen is in the harvest language the facilitator picks, as the
 * cards' and areas' titles are (the page's own language may be another): the server
 * puts the screen's texts in every language in #coaching-i18n.
 * A plain browser script after common.js; projector.js calls it. */
"use strict";

Fac.CoachingProjector = (() => {
  const { t, el, $ } = Fac;
  let byLanguage = null; // #coaching-i18n, read on first use
  const SVG = "http://www.w3.org/2000/svg";
  const LOW = 1;
  const HIGH = 5;
  const SIZE = 400; // the radar's viewBox
  const CENTRE = SIZE / 2;
  const RADIUS = 150;

  /** Whether the agenda's current item is the coaching phase (and its state is here). */
  function active(state, coaching) {
    const agenda = state && state.agenda;
    const phase = agenda && agenda.phases.find((p) => p.id === agenda.current);
    return Boolean(phase && phase.kind === "coaching" && coaching);
  }

  function svg(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
    return node;
  }

  /** A text of this screen in `lang` with {name} values filled in (the page's language
   *  where `lang` has none). */
  function say(lang, key, values) {
    if (byLanguage === null) {
      const node = document.getElementById("coaching-i18n");
      byLanguage = node ? JSON.parse(node.textContent) : {};
    }
    let text = (byLanguage[lang] || {})[key];
    if (text === undefined) return t(key, values);
    for (const [name, value] of Object.entries(values || {})) text = text.split(`{${name}}`).join(String(value));
    return text;
  }

  /** "{count} answers" in `lang`, singular where that language says one. */
  function countIn(lang, key, n) {
    const form = new Intl.PluralRules(lang).select(n) === "one" ? `${key}_one` : key;
    return say(lang, form, { count: n });
  }

  // Figures in the screen's language, like the words around them ("3,3" in Dutch).
  const number = (value, lang) => new Intl.NumberFormat(lang || "en", {
    maximumFractionDigits: 1, minimumFractionDigits: 1,
  }).format(value);

  /** A point on axis `i` of `n` at `score` (1 at the centre ring, 5 at the rim). */
  function point(i, n, score) {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / n;
    const r = (RADIUS * (score - LOW + 1)) / (HIGH - LOW + 1);
    return [CENTRE + r * Math.cos(angle), CENTRE + r * Math.sin(angle)];
  }

  function radar(areas, lang) {
    const n = areas.length;
    const shown = areas.filter((a) => a.shown);
    const label = shown.length
      ? say(lang, "radar_label", { areas: shown.map((a) => `${Fac.titleIn(a.title, lang)} ${number(a.mean, lang)}`).join("; ") })
      : say(lang, "radar_empty");
    const chart = svg("svg", { viewBox: `0 0 ${SIZE} ${SIZE}`, role: "img", "aria-label": label, "data-test": "radar-svg" });
    if (n < 3) return chart;
    for (let ring = LOW; ring <= HIGH; ring += 1) {
      const ringPoints = areas.map((_a, i) => point(i, n, ring).join(",")).join(" ");
      chart.append(svg("polygon", { points: ringPoints, class: ring === HIGH ? "radar-rim" : "radar-ring" }));
    }
    areas.forEach((area, i) => {
      const [x, y] = point(i, n, HIGH);
      chart.append(svg("line", { x1: CENTRE, y1: CENTRE, x2: x, y2: y, class: "radar-axis" }));
      const [lx, ly] = point(i, n, HIGH + 0.75);
      const badge = svg("g", { class: area.shown ? "radar-badge" : "radar-badge withheld" });
      badge.append(svg("circle", { cx: lx, cy: ly, r: 17 }));
      const text = svg("text", { x: lx, y: ly, "text-anchor": "middle", "dominant-baseline": "central" });
      text.textContent = String(i + 1);
      badge.append(text);
      chart.append(badge);
    });
    if (shown.length >= 3) {
      // Through the areas with enough answers only: a withheld area is no score of 0.
      const shape = areas.map((a, i) => (a.shown ? point(i, n, a.mean).join(",") : null)).filter(Boolean).join(" ");
      chart.append(svg("polygon", { points: shape, class: "radar-shape", "data-test": "radar-shape" }));
    }
    areas.forEach((area, i) => {
      if (!area.shown) return;
      const [x, y] = point(i, n, area.mean);
      chart.append(svg("circle", { cx: x, cy: y, r: 7, class: "radar-dot" }));
    });
    return chart;
  }

  /** The spread as a band on the 1-5 scale (mean ± spread) with the mean marked. */
  function spreadBar(area) {
    const bar = el("span", { class: "spread-bar", "aria-hidden": "true" });
    const at = (score) => `${((Math.min(HIGH, Math.max(LOW, score)) - LOW) / (HIGH - LOW)) * 100}%`;
    const band = el("span", { class: "spread-band" });
    band.style.left = at(area.mean - area.spread);
    band.style.right = `calc(100% - ${at(area.mean + area.spread)})`;
    const mean = el("span", { class: "spread-mean" });
    mean.style.left = at(area.mean);
    bar.append(band, mean);
    return bar;
  }

  function areaRow(area, index, lang) {
    const li = el("li", { class: area.shown ? "coaching-area" : "coaching-area withheld", "data-area": area.key, "data-test": "coaching-area" });
    li.append(el("span", { class: "area-number", "aria-hidden": "true" }, String(index + 1)));
    const body = el("div", { class: "area-body" });
    body.append(el("p", { class: "area-title", lang, "data-test": "coaching-area-title" }, Fac.titleIn(area.title, lang)));
    const line = el("p", { class: "area-figures", "data-test": "coaching-area-figures" });
    if (area.shown) {
      const figures = say(lang, "area_figures", { mean: number(area.mean, lang), spread: number(area.spread, lang) });
      line.append(spreadBar(area), el("span", {}, `${figures} · ${countIn(lang, "answers_count", area.answers)}`));
    } else {
      line.append(el("span", {}, `${say(lang, "too_few_answers")} · ${countIn(lang, "answers_count", area.answers)}`));
    }
    body.append(line);
    li.append(body);
    return li;
  }

  function cardItem(draw, lang, big) {
    const card = el("article", { class: big ? "projector-card big" : "projector-card", "data-test": "coaching-card" });
    const label = draw.table === null ? say(lang, "card_for_room") : say(lang, "card_for_table", { table: draw.table });
    card.append(el("p", { class: "card-label" }, label));
    card.append(el("p", { class: "card-text", lang }, Fac.titleIn(draw.text, lang)));
    const kind = say(lang, draw.kind === "action" ? "card_action" : "card_reflection");
    card.append(el("p", { class: "card-area" }, `${kind} · ${Fac.titleIn(draw.area_title, lang)}`));
    return card;
  }

  function render(state, coaching, lang) {
    const screen = $("coaching");
    if (!screen || !coaching) return;
    const { draws, profile } = coaching;
    screen.lang = lang;
    $("coaching-phase").textContent = Fac.phaseTitle(state.agenda, lang);
    $("coaching-title").textContent = say(lang, "coaching_title");
    $("coaching-disagreed-title").textContent = say(lang, "coaching_disagreed");
    $("coaching-areas-title").textContent = say(lang, "coaching_areas");
    $("coaching-counts").textContent = profile.answers
      ? `${countIn(lang, "answers_count", profile.answers)} · ${countIn(lang, "people_answered", profile.people)}`
      : say(lang, "no_answers_yet");
    const cards = $("coaching-cards");
    cards.dataset.count = String(draws.length);
    cards.setAttribute("aria-label", say(lang, "coaching_cards"));
    screen.dataset.cards = draws.length > 1 ? "dealt" : "room";
    cards.replaceChildren(...(draws.length ? draws.map((d) => cardItem(d, lang, draws.length === 1)) : [el("p", { class: "muted-on-dark" }, say(lang, "no_card_yet"))]));
    Fit.pager("coaching-cards", { box: cards.parentElement, list: cards, indicator: $("cards-page") });
    $("radar").replaceChildren(radar(profile.areas, lang));
    $("coaching-areas").replaceChildren(...profile.areas.map((a, i) => areaRow(a, i, lang)));
    const numbers = new Map(profile.areas.map((a, i) => [a.key, i + 1]));
    const disagreed = profile.areas.filter((a) => profile.disagreed.includes(a.key))
      .sort((a, b) => profile.disagreed.indexOf(a.key) - profile.disagreed.indexOf(b.key));
    $("coaching-disagreed").replaceChildren(...(disagreed.length
      ? disagreed.map((a) => el("li", { lang, "data-test": "disagreed-area" }, `${numbers.get(a.key)}. ${Fac.titleIn(a.title, lang)} (±${number(a.spread, lang)})`))
      : [el("li", { class: "none" }, say(lang, "no_disagreement_yet"))]));
  }

  return { active, render };
})();
