/* What does not fit on a phone screen: run by tests/browser/test_phone_fit.py.
 * Everything on screen that holds text is measured; what is meant to be off screen
 * (the skip link until focused, screen-reader-only text) is not. */
(width) => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > width) problems.push(`the page scrolls sideways: ${root.scrollWidth} > ${width}`);
  const skipped = (node) => node.closest('.sr-only, .skip-link:not(:focus), [hidden]');
  const clips = (style) => ['hidden', 'clip'].includes(style.overflowX) || ['hidden', 'clip'].includes(style.overflowY);
  const name = (node) => `${node.tagName.toLowerCase()}${node.dataset.test ? `[data-test=${node.dataset.test}]` : ''}${node.className && typeof node.className === 'string' ? '.' + node.className.trim().split(/\s+/).join('.') : ''} "${(node.textContent || '').trim().slice(0, 30)}"`;
  const ownText = (node) => [...node.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  const fixedLayer = (node) => {
    for (let a = node; a; a = a.parentElement) if (getComputedStyle(a).position === 'fixed') return a;
    return null;
  };
  for (const node of document.body.querySelectorAll('*')) {
    if (skipped(node) || !node.checkVisibility()) continue;
    const style = getComputedStyle(node);
    const rect = node.getBoundingClientRect();
    if (rect.width < 2 || rect.height < 2) continue;
    const text = (node.textContent || '').trim() || node.value;
    if (!text) continue;
    const block = style.display !== 'inline' && !['TEXTAREA', 'INPUT', 'SELECT'].includes(node.tagName);
    if (block && node.scrollWidth > node.clientWidth + 1) problems.push(`wider than its box (${node.scrollWidth} > ${node.clientWidth}): ${name(node)}`);
    if (block && clips(style) && node.scrollHeight > node.clientHeight + 1) problems.push(`cut at the bottom (${node.scrollHeight} > ${node.clientHeight}): ${name(node)}`);
    if (rect.left < -1 || rect.right > width + 1) problems.push(`outside the screen (${Math.round(rect.left)}..${Math.round(rect.right)}): ${name(node)}`);
    const layer = fixedLayer(node);
    if (layer && rect.bottom > innerHeight + 1 && layer.scrollHeight <= layer.clientHeight) problems.push(`below the screen in a layer that cannot scroll: ${name(node)}`);
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
