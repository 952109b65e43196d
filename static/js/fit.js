/* Projector screens that fit any room: a box too full first shrinks its text (down to a
 * readable minimum), then shows its items a page at a time with a visible "Page 2 of 3"
 * that turns by itself and on a click or key, or leaves out whole items and counts them
 * ("+4 more"). Nothing is ever cut mid-line. Measured in the browser after each render,
 * so it holds for any number of tables, people and notes, at any screen size. */
"use strict";

const Fit = (() => {
  const { t, el } = Fac;
  const SCALES = [1, 0.9, 0.8, 0.72]; // the smallest still reads from the back of a room
  const TEXT_SCALES = [1, 0.9, 0.8, 0.72, 0.64];
  const TURN_MS = 8000;
  const pagers = new Map(); // key -> {box, list, indicator, perPage, after, page, pages}
  const shrinks = new Set();
  const trims = new Map(); // list -> the box its items must stay in

  const visible = (node) => Boolean(node) && node.isConnected && node.checkVisibility();
  const itemsOf = (list) => [...list.children].filter((child) => !child.classList.contains("fit-more"));

  /** The inside of a box: where its items must stay to be seen whole. */
  function area(box) {
    const rect = box.getBoundingClientRect();
    const style = getComputedStyle(box);
    const px = (name) => parseFloat(style[name]) || 0;
    return {
      left: rect.left + px("borderLeftWidth") + px("paddingLeft"),
      right: rect.right - px("borderRightWidth") - px("paddingRight"),
      top: rect.top + px("borderTopWidth"),
      bottom: rect.bottom - px("borderBottomWidth") - px("paddingBottom"),
    };
  }

  function inside(node, room) {
    const rect = node.getBoundingClientRect();
    // An item squeezed shorter than its content (a grid row at min-height 0) still needs it.
    const bottom = Math.max(rect.bottom, rect.top + node.scrollHeight);
    return bottom <= room.bottom + 1 && rect.right <= room.right + 1 && rect.left >= room.left - 1;
  }

  /** Register (or update) a paged list: `box` bounds what is seen, `list` holds whole
   *  items, `indicator` shows "Page x of y". `perPage` pages by count instead of measure;
   *  `after(items)` runs on the items shown (e.g. to trim each table's notes). */
  function pager(key, options) {
    const known = pagers.get(key) || { page: 0, pages: [[0, 0]] };
    pagers.set(key, { ...known, after: null, perPage: 0, ...options });
    schedule();
  }

  /** Shrink a text until it fits its box (max-height and overflow set in CSS). */
  function shrink(node) {
    shrinks.add(node);
    schedule();
  }

  let due = false;
  function schedule() {
    if (due) return;
    due = true;
    requestAnimationFrame(() => { due = false; layout(); });
  }

  function layout() {
    for (const p of pagers.values()) if (visible(p.box)) measure(p);
    for (const [list, box] of trims) {
      if (!list.isConnected) trims.delete(list);
      else if (visible(box)) trimNow(list, box);
    }
    for (const node of shrinks) {
      if (!node.isConnected) shrinks.delete(node);
      else if (visible(node)) fitText(node);
    }
  }

  function setScale(box, scale) {
    box.style.setProperty("--fit", String(scale));
  }

  function fits(p, items) {
    const room = area(p.box);
    return items.every((item) => inside(item, room));
  }

  function measure(p) {
    const items = itemsOf(p.list);
    items.forEach((item) => { item.hidden = false; });
    if (p.indicator) { // measured as it will be shown: the counter takes its room first
      p.indicator.hidden = false;
      p.indicator.textContent = t("page_of", { page: 9, pages: 9 });
    }
    if (p.perPage) {
      p.pages = [];
      for (let start = 0; start < Math.max(items.length, 1); start += p.perPage) p.pages.push([start, start + p.perPage]);
    } else {
      const scale = SCALES.find((s) => { setScale(p.box, s); return fits(p, items); });
      if (scale === undefined) setScale(p.box, SCALES[SCALES.length - 1]);
      p.pages = scale === undefined ? paginate(p, items) : [[0, items.length]];
    }
    p.page = Math.min(p.page, p.pages.length - 1);
    show(p, items);
  }

  /** Whole items a page: each page holds the items that fit once those before are gone. */
  function paginate(p, items) {
    const pages = [];
    let start = 0;
    while (start < items.length) {
      items.forEach((item, i) => { item.hidden = i < start; });
      const room = area(p.box);
      let end = start + 1;
      while (end < items.length && inside(items[end], room)) end += 1;
      pages.push([start, end]);
      start = end;
    }
    return pages.length ? pages : [[0, 0]];
  }

  function show(p, items) {
    const [start, end] = p.pages[p.page];
    items.forEach((item, i) => { item.hidden = i < start || i >= end; });
    if (p.indicator) {
      const many = p.pages.length > 1;
      p.indicator.hidden = !many;
      p.indicator.textContent = many ? t("page_of", { page: p.page + 1, pages: p.pages.length }) : "";
    }
    if (p.after) p.after(items.slice(start, end));
  }

  /** Leave out the whole items of `list` that do not fit in `box`, counted. */
  function trim(list, box) {
    trims.set(list, box);
    schedule();
  }

  /** Smaller text first, while that keeps every item or, at least, the first one. */
  function trimNow(list, box) {
    trimGroup([[list, box]]);
  }

  /** Lists side by side (a page of wall columns) share one scale: the largest at which
   *  each shows its first `first` items (a wall column: its key insight and a note).
   *  Measured in one pass per scale, so a page of sixty columns costs a few layouts,
   *  not one per note. */
  function trimGroup(pairs, first = 1) {
    for (const [index, scale] of SCALES.entries()) {
      const last = index === SCALES.length - 1;
      const cuts = pairs.map(([list, box]) => prepareCut(list, box, scale)); // writes
      const plans = cuts.map(planCut); // reads: one layout
      const ok = plans.every((plan) => plan.left === 0 || plan.keep.slice(0, first).every(Boolean));
      if (ok || last) { cuts.forEach((cut, i) => applyCut(cut, plans[i])); return; }
    }
  }

  function prepareCut(list, box, scale) {
    setScale(box, scale);
    for (const more of list.querySelectorAll(":scope > .fit-more")) more.remove();
    const items = itemsOf(list);
    items.forEach((item) => { item.hidden = false; });
    const more = el("li", { class: "fit-more" }, Fac.count("more_n", items.length));
    list.append(more);
    return { list, box, items, more };
  }

  /** Whole items in order while they fit above the count; one too tall is left out and
   *  a shorter one after it may still take the room. */
  function planCut({ list, box, items, more }) {
    const room = area(box);
    const height = (node) => Math.max(node.getBoundingClientRect().height, node.scrollHeight);
    const heights = items.map(height);
    const gap = parseFloat(getComputedStyle(list).rowGap) || 0;
    const top = list.getBoundingClientRect().top;
    const all = heights.reduce((sum, h) => sum + h, 0) + gap * Math.max(items.length - 1, 0);
    if (top + all <= room.bottom + 1) return { left: 0, keep: items.map(() => true) };
    // A count set out of the flow (the wall's, in the column's edge) takes no row.
    const below = getComputedStyle(more).position === "absolute" ? 0 : height(more) + gap;
    let y = top;
    const keep = heights.map((h) => {
      const fits = y + h + below <= room.bottom + 1;
      if (fits) y += h + gap;
      return fits;
    });
    return { left: keep.filter((k) => !k).length, keep };
  }

  function applyCut({ items, more }, plan) {
    items.forEach((item, i) => { item.hidden = !plan.keep[i]; });
    if (!plan.left) { more.remove(); return; }
    more.textContent = Fac.count("more_n", plan.left);
    more.dataset.fitMore = String(plan.left);
  }

  /** A text's own scale, down to the smallest; still too long, its box grows instead. */
  function fitText(node) {
    node.style.maxHeight = "";
    const scale = TEXT_SCALES.find((s) => {
      setScale(node, s);
      return node.scrollHeight <= node.clientHeight + 1 && node.scrollWidth <= node.clientWidth + 1;
    });
    if (scale === undefined) node.style.maxHeight = "none";
  }

  /** Turn every page shown on screen, forwards or back. */
  function turn(step) {
    for (const p of pagers.values()) {
      if (!visible(p.box) || p.pages.length < 2) continue;
      p.page = (p.page + step + p.pages.length) % p.pages.length;
      show(p, itemsOf(p.list));
    }
  }

  let timer = setInterval(() => turn(1), TURN_MS);
  /** A turn by hand (a click or key): the next one by itself waits its full time. */
  function turnNow(step) {
    clearInterval(timer);
    turn(step);
    timer = setInterval(() => turn(1), TURN_MS);
  }

  document.addEventListener("keydown", (event) => {
    if (event.target.closest && event.target.closest("input, textarea, select")) return;
    if (["ArrowRight", "PageDown", "n"].includes(event.key)) { event.preventDefault(); turnNow(1); }
    if (["ArrowLeft", "PageUp", "p"].includes(event.key)) { event.preventDefault(); turnNow(-1); }
  });
  document.addEventListener("click", (event) => {
    if (event.target.closest && event.target.closest(".fit-pager")) turnNow(1);
  });
  addEventListener("resize", schedule);

  /** "Page x of y" of a pager, for tests and the console: {page, pages}. */
  function state(key) {
    const p = pagers.get(key);
    return p ? { page: p.page + 1, pages: p.pages.length } : null;
  }

  return { pager, trim, trimNow, trimGroup, shrink, schedule, layout, turnNow, state };
})();
