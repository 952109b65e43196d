/* The projector wall's columns, measured: run by tests/browser/test_projector_fit.py.
 * In every column on screen each card shown stays inside the column's content box (the
 * newest too, while it lights up as just posted: no move up, no shadow outside its edge
 * that the column would cut), the count of left-out cards overlaps no card, and no
 * left-out card would fit in the room left below the last card shown. */
() => {
  const problems = [];
  const px = (style, name) => parseFloat(style[name]) || 0;
  const label = (node) => `"${(node.textContent || '').trim().slice(0, 30)}"`;
  for (const column of document.querySelectorAll('[data-test=wall-tables] > section')) {
    if (!column.checkVisibility()) continue;
    const where = `table ${column.dataset.table}`;
    const style = getComputedStyle(column);
    const rect = column.getBoundingClientRect();
    const content = {
      top: rect.top + px(style, 'borderTopWidth') + px(style, 'paddingTop'),
      bottom: rect.bottom - px(style, 'borderBottomWidth') - px(style, 'paddingBottom'),
      left: rect.left + px(style, 'borderLeftWidth') + px(style, 'paddingLeft'),
      right: rect.right - px(style, 'borderRightWidth') - px(style, 'paddingRight'),
    };
    const list = column.querySelector('.wall-notes');
    const listTop = list.getBoundingClientRect().top;
    const cards = [...list.children].filter((c) => !c.classList.contains('fit-more'));
    const shown = cards.filter((c) => !c.hidden);
    const left = cards.filter((c) => c.hidden);
    if (!shown.length) { problems.push(`${where}: no card shown`); continue; }
    for (const card of shown) {
      const r = card.getBoundingClientRect();
      const out = r.top < Math.max(listTop, content.top) - 0.5 || r.bottom > content.bottom + 0.5
        || r.left < content.left - 0.5 || r.right > content.right + 0.5;
      if (out) problems.push(`${where}: card ${label(card)} at ${Math.round(r.top)}..${Math.round(r.bottom)}, outside its column's ${Math.round(Math.max(listTop, content.top))}..${Math.round(content.bottom)}`);
      const shadow = getComputedStyle(card).boxShadow;
      if (shadow !== 'none' && !shadow.includes('inset')) problems.push(`${where}: card ${label(card)} casts a shadow outside its edge (${shadow})`);
    }
    if (!left.length) continue;
    const last = shown[shown.length - 1].getBoundingClientRect();
    const more = list.querySelector(':scope > .fit-more');
    if (!more || !more.checkVisibility()) problems.push(`${where}: ${left.length} cards left out, no count`);
    else if (more.getBoundingClientRect().top < last.bottom - 0.5) problems.push(`${where}: the count ${label(more)} covers the card above it`);
    const gap = parseFloat(getComputedStyle(list).rowGap) || 0;
    const room = content.bottom - last.bottom;
    left.forEach((c) => { c.hidden = false; });
    const smallest = Math.min(...left.map((c) => c.getBoundingClientRect().height));
    left.forEach((c) => { c.hidden = true; });
    if (gap + smallest <= room) problems.push(`${where}: ${Math.round(room)} px unused below its last card, where a left-out card of ${Math.round(smallest)} px (and a ${Math.round(gap)} px gap) fits`);
  }
  return problems;
}
