"""Languages and roles at the planner's tables: can everyone talk, do roles mix.

A table is covered when everyone present speaks one language, or when one person
speaks two languages, L1 and L2, and everyone speaks L1 or L2 (they bridge). A table
is single-role when two or more people with a role all have the same one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from facilitator.planner.types import Problem

LANGUAGE, ROLE = 0, 1


class Mix:
    """Language and role counts of every table in every round, and their flags."""

    def __init__(self, problem: Problem, rounds: int, tables: int) -> None:
        p = self.problem = problem
        self.tables = tables
        width = 1 + max((max(spoken) for spoken in p.languages if spoken), default=-1)
        self.check_languages = width >= 2  # one language or none: every table is covered
        self.check_roles = p.role_count >= 2
        pairs = len(p.bridge_languages)
        self.lang = [[[0] * width for _ in range(tables)] for _ in range(rounds)]
        self.bridge = [[[0] * pairs for _ in range(tables)] for _ in range(rounds)]
        self.known = [[0] * tables for _ in range(rounds)]
        self.role = [[[0] * p.role_count for _ in range(tables)] for _ in range(rounds)]
        self.role_known = [[0] * tables for _ in range(rounds)]
        self.uncovered = [[False] * tables for _ in range(rounds)]
        self.mono = [[False] * tables for _ in range(rounds)]
        self.n_uncovered = self.n_mono = 0
        # Each table's version changes with its members: what a newcomer of some language
        # (or role) would do to a table is remembered until then.
        self.version = [0] * (rounds * tables)
        profiles = {spoken: k for k, spoken in enumerate(sorted(set(p.languages)))}
        self.profile = [profiles[spoken] for spoken in p.languages]
        self.memo: dict[tuple[int, int, int, int, int], int] = {}

    def count(self, r: int, t: int, i: int, step: int) -> None:
        """Person `i` joins (step 1) or leaves (-1) table `t`: update counts and flags."""
        p = self.problem
        self.version[r * self.tables + t] += 1
        if self.check_languages and p.languages[i]:
            self.known[r][t] += step
            lang, bridge = self.lang[r][t], self.bridge[r][t]
            for language in p.languages[i]:
                lang[language] += step
            for pair in p.bridges[i]:
                bridge[pair] += step
            uncovered = self._is_uncovered(lang, bridge, self.known[r][t])
            self.n_uncovered += uncovered - self.uncovered[r][t]
            self.uncovered[r][t] = uncovered
        if self.check_roles and p.roles[i] >= 0:
            role = self.role[r][t]
            role[p.roles[i]] += step
            self.role_known[r][t] += step
            known = self.role_known[r][t]
            mono = known >= 2 and known in role
            self.n_mono += mono - self.mono[r][t]
            self.mono[r][t] = mono

    def change1(self, r: int, t: int, coming: int, leaving: int, kind: int) -> int:
        """Change of a table's uncovered (LANGUAGE) or single-role (ROLE) flag when one
        person comes and one leaves (-1: nobody); remembered per kind of person."""
        key = r * self.tables + t
        of = self.profile if kind == LANGUAGE else self.problem.roles
        memo_key = (
            kind,
            key,
            self.version[key],
            of[coming] if coming >= 0 else -2,
            of[leaving] if leaving >= 0 else -2,
        )
        change = self.memo.get(memo_key)
        if change is None:
            come = (coming,) if coming >= 0 else ()
            go = (leaving,) if leaving >= 0 else ()
            change = self.change(r, t, come, go, kind)
            if len(self.memo) > 200_000:
                self.memo.clear()
            self.memo[memo_key] = change
        return change

    def change(
        self, r: int, t: int, coming: tuple[int, ...], leaving: tuple[int, ...], kind: int
    ) -> int:
        """Change of a table's uncovered (LANGUAGE) or single-role (ROLE) flag."""
        if kind == LANGUAGE:
            return self._uncovered_after(r, t, coming, leaving) - self.uncovered[r][t]
        return self._mono_after(r, t, coming, leaving) - self.mono[r][t]

    def _uncovered_after(
        self, r: int, t: int, coming: tuple[int, ...], leaving: tuple[int, ...]
    ) -> bool:
        lang, bridge = self.lang[r][t][:], self.bridge[r][t][:]
        known = self.known[r][t]
        languages, bridges = self.problem.languages, self.problem.bridges
        for people, step in ((coming, 1), (leaving, -1)):
            for x in people:
                if languages[x]:
                    known += step
                    for language in languages[x]:
                        lang[language] += step
                    for pair in bridges[x]:
                        bridge[pair] += step
        return self._is_uncovered(lang, bridge, known)

    def _is_uncovered(self, lang: list[int], bridge: list[int], known: int) -> bool:
        """No language everyone speaks, and nobody bridging two that cover everyone."""
        if known <= 1 or known in lang:
            return False
        pairs = self.problem.bridge_languages
        for pair, both in enumerate(bridge):
            if both:
                first, second = pairs[pair]
                if lang[first] + lang[second] - both == known:
                    return False
        return True

    def _mono_after(
        self, r: int, t: int, coming: tuple[int, ...], leaving: tuple[int, ...]
    ) -> bool:
        role, known = self.role[r][t][:], self.role_known[r][t]
        roles = self.problem.roles
        for people, step in ((coming, 1), (leaving, -1)):
            for x in people:
                if roles[x] >= 0:
                    role[roles[x]] += step
                    known += step
        return known >= 2 and known in role
