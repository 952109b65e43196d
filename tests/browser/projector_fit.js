/* What does not fit on a projector screen: run by tests/browser/test_projector_fit.py.
 * Every element on screen that holds text is measured: wider or taller than its box
 * where that box cuts, outside the screen, cut by a box around it, or shortened by a
 * line clamp, an ellipsis or a fade. */
() => {
  const problems = [];
  const width = innerWidth;
  const height = innerHeight;
  const skipped = (node) => node.closest('.sr-only, .skip-link:not(:focus), [hidden], .toggle-view');
  const clips = (style) => ['hidden', 'clip'].includes(style.overflowX) || ['hidden', 'clip'].includes(style.overflowY);
  const name = (node) => `${node.tagName.toLowerCase()}${node.dataset.test ? `[data-test=${node.dataset.test}]` : ''}${node.className && typeof node.className === 'string' ? '.' + node.className.trim().split(/\s+/).join('.') : ''} "${(node.textContent || '').trim().slice(0, 40)}"`;
  const ownText = (node) => [...node.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  for (const node of document.querySelector('main').querySelectorAll('*')) {
    if (skipped(node) || !node.checkVisibility()) continue;
    const style = getComputedStyle(node);
    const rect = node.getBoundingClientRect();
    if (rect.width < 2 || rect.height < 2) continue;
    const text = (node.textContent || '').trim();
    if (!text) continue;
    const block = style.display !== 'inline';
    if (block && node.scrollWidth > node.clientWidth + 1) problems.push(`wider than its box (${node.scrollWidth} > ${node.clientWidth}): ${name(node)}`);
    if (block && clips(style) && node.scrollHeight > node.clientHeight + 1) problems.push(`cut at the bottom (${node.scrollHeight} > ${node.clientHeight}): ${name(node)}`);
    if (rect.left < -1 || rect.right > width + 1 || rect.top < -1 || rect.bottom > height + 1) problems.push(`outside the screen (${Math.round(rect.left)},${Math.round(rect.top)}..${Math.round(rect.right)},${Math.round(rect.bottom)}): ${name(node)}`);
    if (style.textOverflow === 'ellipsis' || (style.webkitLineClamp && style.webkitLineClamp !== 'none')) problems.push(`shortened (ellipsis or line clamp): ${name(node)}`);
    if ((style.maskImage && style.maskImage !== 'none') || (style.webkitMaskImage && style.webkitMaskImage !== 'none')) problems.push(`faded out: ${name(node)}`);
    if (!ownText(node)) continue;
    for (let a = node.parentElement; a && a !== document.body; a = a.parentElement) {
      if (!clips(getComputedStyle(a))) continue;
      const box = a.getBoundingClientRect();
      if (rect.left < box.left - 1 || rect.right > box.right + 1 || rect.bottom > box.bottom + 1 || rect.top < box.top - 1) {
        problems.push(`cut by ${name(a)}: ${name(node)}`);
        break;
      }
    }
  }
  return [...new Set(problems)];
}
