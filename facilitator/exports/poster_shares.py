"""The poster's boxes shared by what they hold, not by fixed shares of the page.

A layout tree gives each section a fixed weight; a section with little to show (two
commitments) then keeps room that a full one (twenty priorities) needs, and the full one
counts "+12 more". `rebalance` moves weight, a step at a time, from sections that show
all they hold (and still do after the move) to a sibling part that leaves items out,
keeping a move only when fewer items are left out over the whole poster. Pure geometry:
`missing` measures a tree's boxes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from facilitator.exports.poster_layout import Split

Path = tuple[int, ...]  # child indices from the root down to a split
Missing = Callable[[Split | str], dict[str, int]]  # tree -> items left out, by section

STEP = 0.2  # a move gives a fifth of the giver's weight
FLOOR = 0.5  # a giver keeps at least half its design weight: the page keeps its look
ROUNDS = 12


def sections(node: Split | str) -> Iterator[str]:
    """The section names under a node."""
    if isinstance(node, str):
        yield node
        return
    for _weight, child in node.parts:
        yield from sections(child)


def splits(node: Split | str, path: Path = ()) -> Iterator[tuple[Path, Split]]:
    """Every split of the tree, with its path."""
    if isinstance(node, str):
        return
    yield path, node
    for index, (_weight, child) in enumerate(node.parts):
        yield from splits(child, (*path, index))


def moved(node: Split | str, path: Path, giver: int, taker: int, amount: float) -> Split | str:
    """The tree with `amount` of weight moved between two children of the split at `path`."""
    assert isinstance(node, Split)
    if path:
        head, rest = path[0], path[1:]
        parts = tuple(
            (w, moved(c, rest, giver, taker, amount) if i == head else c)
            for i, (w, c) in enumerate(node.parts)
        )
        return Split(node.across, parts)
    change = {giver: -amount, taker: amount}
    return Split(
        node.across, tuple((w + change.get(i, 0.0), c) for i, (w, c) in enumerate(node.parts))
    )


def _weights(node: Split | str) -> dict[tuple[Path, int], float]:
    return {(path, i): w for path, split in splits(node) for i, (w, _c) in enumerate(split.parts)}


def rebalance(tree: Split | str, missing: Missing, can_give: Callable[[str], bool]) -> Split | str:
    """The tree with weight moved to the parts that leave items out, from sibling sections
    that show everything (and `can_give`) and still do after, while fewer are left out."""
    design = _weights(tree)
    scores = missing(tree)
    for _ in range(ROUNDS):
        if not sum(scores.values()):
            break
        best: tuple[int, Split | str, dict[str, int]] | None = None
        for giver, candidate in _moves(tree, scores, design, can_give):
            found = missing(candidate)
            total = sum(found.values())
            if found.get(giver, 0):
                continue  # the giver would leave items out in its turn
            if total < sum(scores.values()) and (best is None or total < best[0]):
                best = (total, candidate, found)
        if best is None:
            break
        _total, tree, scores = best
    return tree


def _moves(
    tree: Split | str,
    scores: dict[str, int],
    design: dict[tuple[Path, int], float],
    can_give: Callable[[str], bool],
) -> Iterator[tuple[str, Split | str]]:
    """Each tree one step away, with its giver: a fifth of the weight of a section that
    shows everything, given to a sibling part that leaves items out."""
    for path, split in splits(tree):
        needy = [any(scores.get(s, 0) for s in sections(c)) for _w, c in split.parts]
        if not any(needy):
            continue
        for giver, (weight, child) in enumerate(split.parts):
            if needy[giver] or not isinstance(child, str) or not can_give(child):
                continue
            amount = min(weight * STEP, weight - FLOOR * design[(path, giver)])
            for taker in (i for i, need in enumerate(needy) if need and amount > 1e-6):
                yield child, moved(tree, path, giver, taker, amount)
