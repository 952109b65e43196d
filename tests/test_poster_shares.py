"""The poster's boxes share the page by what they hold (pure: weights in, weights out)."""

from __future__ import annotations

from facilitator.exports.poster_layout import Box, Split, column, resolve, row
from facilitator.exports.poster_shares import rebalance

PAGE = Box("page", 0, 0, 100, 100)


def heights(tree: Split | str) -> dict[str, float]:
    return {name: box.h for name, box in resolve(tree, PAGE, 0).items()}


def needs(need: dict[str, float]):
    """Items left out: one per 5 mm a section lacks of the height it needs."""

    def missing(tree: Split | str) -> dict[str, int]:
        return {n: max(0, int((need[n] - h + 4.999) // 5)) for n, h in heights(tree).items()}

    return missing


def test_a_section_with_room_to_spare_gives_it_to_a_full_sibling() -> None:
    tree = column((1, "priorities"), (1, "commitments"))
    missing = needs({"priorities": 70, "commitments": 20})
    assert missing(tree)["priorities"] == 4
    shared = rebalance(tree, missing, lambda name: True)
    assert missing(shared) == {"priorities": 0, "commitments": 0}
    assert heights(shared)["priorities"] >= 70 and heights(shared)["commitments"] >= 20


def test_a_giver_keeps_what_it_needs_and_half_its_share() -> None:
    tree = column((1, "priorities"), (1, "commitments"))
    missing = needs({"priorities": 95, "commitments": 35})
    shared = heights(rebalance(tree, missing, lambda name: True))
    assert shared["commitments"] >= 35  # it still shows all it holds
    assert shared["priorities"] >= 60  # and gave what it could spare
    hungry = needs({"priorities": 100, "commitments": 0})
    assert heights(rebalance(tree, hungry, lambda name: True))["commitments"] >= 25


def test_only_sections_allowed_to_give_do_and_a_whole_poster_stays_as_it_is() -> None:
    tree = column((1, row((1, "cloud"), (1, "themes"))), (1, "priorities"))
    missing = needs({"cloud": 0, "themes": 10, "priorities": 90})
    assert rebalance(tree, missing, lambda name: name != "cloud") == tree  # themes is not a
    # sibling of the priorities, and the row holding it also holds the cloud
    whole = needs({"cloud": 10, "themes": 10, "priorities": 40})
    assert rebalance(tree, whole, lambda name: True) == tree
