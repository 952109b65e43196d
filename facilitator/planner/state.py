"""The planner's working state: seats over several rounds, with costs kept up to date.

Everything is on indices (people 0..n-1, tables 0..t-1, rounds 0..r-1) so that a move
is a handful of list and dict operations; `rotation.py` translates ids to indices.
"""

from __future__ import annotations

from facilitator.planner.mix import LANGUAGE, ROLE, Mix
from facilitator.planner.types import Problem

# Weights of the cost, in the order of priority of the brief. A size step (one table one
# larger, another one smaller) costs 2 * SIZE: more than a few repeats, since a smaller
# table takes a new encounter from each of its people.
HARD = 10_000_000
SIZE = 3_000
REPEAT = 1_000
UNCOVERED = 100
SAME_ROLE = 30
REVISIT = 10
# Under the new-tables rule a return to a table outweighs any table size or repeat
# (World Café travellers expect a new table each round); keep-apart still comes first.
NEW_TABLE = 100_000


def revisit_weight(problem: Problem) -> int:
    """What one return to a table costs: a rule (new tables) or a last tie-breaker."""
    return NEW_TABLE if problem.new_tables else REVISIT


class State:
    """Seats of every planned round and the counts the cost is made of."""

    def __init__(self, problem: Problem) -> None:
        p = problem
        n, rounds, tables = len(p.languages), p.rounds, len(p.capacities)
        self.problem = p
        self.rounds, self.tables = rounds, tables
        self.capacities = p.capacities
        self.unit_of = [0] * n
        for u, members in enumerate(p.units):
            for i in members:
                self.unit_of[i] = u
        self.seat = [[-1] * n for _ in range(rounds)]
        self.members: list[list[list[int]]] = [[[] for _ in range(tables)] for _ in range(rounds)]
        self.met = [dict(m) for m in p.met]
        self.visits = [dict.fromkeys(v, 1) for v in p.visited]
        self.unit_apart = [any(p.apart[i] for i in members) for members in p.units]
        self.mix = Mix(p, rounds, tables)
        self.hard = self.repeats = self.size_sq = self.revisits = 0
        self.revisit = revisit_weight(p)
        # Tables of other rounds whose conflicts a change may have created (r * tables + t).
        self.touched: list[int] = []

    def cost(self) -> int:
        """The weighted cost of the current seats."""
        return (
            HARD * self.hard
            + SIZE * self.size_sq
            + REPEAT * self.repeats
            + UNCOVERED * self.mix.n_uncovered
            + SAME_ROLE * self.mix.n_mono
            + self.revisit * self.revisits
        )

    def add(self, r: int, i: int, t: int) -> None:
        """Seat person `i` at table `t` in round `r`."""
        members = self.members[r][t]
        mine, unit, seat = self.met[i], self.unit_of[i], self.seat[r]
        self.size_sq += 2 * len(members) + 1
        for y in members:
            if self.unit_of[y] == unit:
                continue  # groups kept together on purpose do not count as repeats
            c = mine.get(y, 0)
            if c:
                self.repeats += 1
                if c == 1:
                    self._touch_pair(r, i, y)
            mine[y] = c + 1
            self.met[y][i] = c + 1
        for y in self.problem.apart[i]:
            if seat[y] == t:
                self.hard += 1
        if self.problem.travellers[i]:
            v = self.visits[i].get(t, 0)
            if v:
                self.revisits += 1
                if v == 1:
                    self._touch_visit(r, i, t)
            self.visits[i][t] = v + 1
        members.append(i)
        seat[i] = t
        self.mix.count(r, t, i, 1)

    def remove(self, r: int, i: int) -> None:
        """Take person `i` off their table in round `r`."""
        seat = self.seat[r]
        t = seat[i]
        members = self.members[r][t]
        members.remove(i)
        mine, unit = self.met[i], self.unit_of[i]
        self.size_sq -= 2 * len(members) + 1
        for y in members:
            if self.unit_of[y] == unit:
                continue
            c = mine[y]
            if c >= 2:
                self.repeats -= 1
            mine[y] = c - 1
            self.met[y][i] = c - 1
        for y in self.problem.apart[i]:
            if seat[y] == t:
                self.hard -= 1
        if self.problem.travellers[i]:
            v = self.visits[i][t]
            if v >= 2:
                self.revisits -= 1
            self.visits[i][t] = v - 1
        seat[i] = -1
        self.mix.count(r, t, i, -1)

    def move(self, r: int, a: int, b: int, out_a: tuple[int, ...], out_b: tuple[int, ...]) -> None:
        """Move `out_a` from table `a` to `b` and `out_b` from `b` to `a`."""
        for i in out_a:
            self.remove(r, i)
        for i in out_b:
            self.remove(r, i)
        for i in out_a:
            self.add(r, i, b)
        for i in out_b:
            self.add(r, i, a)

    def delta(
        self, r: int, a: int, b: int, out_a: tuple[int, ...], out_b: tuple[int, ...]
    ) -> int | None:
        """What `move` would change in the cost; None when a table would overflow."""
        at_a, at_b = self.members[r][a], self.members[r][b]
        na, nb = len(at_a), len(at_b)
        shift = len(out_a) - len(out_b)
        if nb + shift > self.capacities[b] or na - shift > self.capacities[a]:
            return None
        d = SIZE * ((na - shift) ** 2 + (nb + shift) ** 2 - na * na - nb * nb)
        d += REPEAT * (
            self._rejoin(out_a, at_a, at_b, out_b) + self._rejoin(out_b, at_b, at_a, out_a)
        )
        unit_apart, unit_of = self.unit_apart, self.unit_of
        if unit_apart[unit_of[out_a[0]]] or (out_b and unit_apart[unit_of[out_b[0]]]):
            d += HARD * self._apart_delta(r, a, b, out_a, out_b)
        d += self.revisit * (self._revisit_delta(out_a, a, b) + self._revisit_delta(out_b, b, a))
        # Swapping two people who speak the same languages (have the same role) leaves
        # both tables as they were: the common case, worth skipping.
        p, mix = self.problem, self.mix
        alike = len(out_a) == 1 and len(out_b) == 1
        for kind, check, weight, of in (
            (LANGUAGE, mix.check_languages, UNCOVERED, p.languages),
            (ROLE, mix.check_roles, SAME_ROLE, p.roles),
        ):
            if check and not (alike and of[out_a[0]] == of[out_b[0]]):
                d += weight * mix.change(r, a, out_b, out_a, kind)
                d += weight * mix.change(r, b, out_a, out_b, kind)
        return d

    def delta1(self, r: int, a: int, b: int, x: int, y: int) -> int | None:
        """`delta` for single people: `x` from `a` to `b`, and `y` from `b` to `a` (-1: nobody)."""
        at_a, at_b = self.members[r][a], self.members[r][b]
        mx, rep = self.met[x], 0
        if y < 0:
            nb = len(at_b)
            if nb >= self.capacities[b]:
                return None
            d = 2 * SIZE * (nb - len(at_a) + 1)
            for z in at_a:  # nobody is in their own `met`, so x counts for nothing
                if mx.get(z, 0) >= 2:
                    rep -= 1
            for z in at_b:
                if mx.get(z, 0):
                    rep += 1
        else:
            d, my = 0, self.met[y]
            for z in at_a:
                if mx.get(z, 0) >= 2:
                    rep -= 1
                if z != x and my.get(z, 0):
                    rep += 1
            for z in at_b:
                if my.get(z, 0) >= 2:
                    rep -= 1
                if z != y and mx.get(z, 0):
                    rep += 1
        d += REPEAT * rep
        p = self.problem
        if p.apart[x] or (y >= 0 and p.apart[y]):
            d += HARD * self._apart_delta(r, a, b, (x,), (y,) if y >= 0 else ())
        if p.travellers[x]:
            visits = self.visits[x]
            d += self.revisit * ((visits.get(b, 0) >= 1) - (visits[a] >= 2))
        if y >= 0 and p.travellers[y]:
            visits = self.visits[y]
            d += self.revisit * ((visits.get(a, 0) >= 1) - (visits[b] >= 2))
        mix = self.mix
        if mix.check_languages and (y < 0 or mix.profile[x] != mix.profile[y]):
            changed = mix.change1(r, a, y, x, LANGUAGE) + mix.change1(r, b, x, y, LANGUAGE)
            d += UNCOVERED * changed
        if mix.check_roles and (y < 0 or p.roles[x] != p.roles[y]):
            d += SAME_ROLE * (mix.change1(r, a, y, x, ROLE) + mix.change1(r, b, x, y, ROLE))
        return d

    def insertion(self, r: int, t: int, unit: tuple[int, ...]) -> int:
        """What seating `unit` at table `t` would add to the cost, table sizes aside."""
        members, seat, p = self.members[r][t], self.seat[r], self.problem
        d = 0
        for i in unit:
            mine = self.met[i]
            for y in members:
                if mine.get(y, 0):
                    d += REPEAT
            for y in p.apart[i]:
                if seat[y] == t:
                    d += HARD
            if p.travellers[i] and self.visits[i].get(t, 0):
                d += self.revisit
        mix, one = self.mix, len(unit) == 1
        if mix.check_languages:
            if one:
                d += UNCOVERED * mix.change1(r, t, unit[0], -1, LANGUAGE)
            else:
                d += UNCOVERED * mix.change(r, t, unit, (), LANGUAGE)
        if mix.check_roles:
            if one:
                d += SAME_ROLE * mix.change1(r, t, unit[0], -1, ROLE)
            else:
                d += SAME_ROLE * mix.change(r, t, unit, (), ROLE)
        return d

    def conflicted(self, r: int, t: int, urgent: bool) -> list[int]:
        """Members of table `t` in a conflict: urgent (keep-apart, repeat, a revisit under
        the new-tables rule) or any at all."""
        members, seat = self.members[r][t], self.seat[r]
        revisits = not urgent or self.problem.new_tables
        if not urgent and (self.mix.uncovered[r][t] or self.mix.mono[r][t]):
            return list(members)
        found = []
        for i in members:
            mine, unit = self.met[i], self.unit_of[i]
            if (
                any(mine.get(y, 0) >= 2 and self.unit_of[y] != unit for y in members)
                or any(seat[y] == t for y in self.problem.apart[i])
                or (revisits and self.problem.travellers[i] and self.visits[i][t] >= 2)
            ):
                found.append(i)
        return found

    def _rejoin(
        self, leaving: tuple[int, ...], old: list[int], new: list[int], coming: tuple[int, ...]
    ) -> int:
        """Repeats `leaving` stop at the old table and start at the new one."""
        d = 0
        for x in leaving:
            mine = self.met[x]
            for y in old:
                if y not in leaving and mine.get(y, 0) >= 2:
                    d -= 1
            for y in new:
                if y not in coming and mine.get(y, 0):
                    d += 1
        return d

    def _apart_delta(
        self, r: int, a: int, b: int, out_a: tuple[int, ...], out_b: tuple[int, ...]
    ) -> int:
        """Change in keep-apart pairs sharing a table."""
        seat = self.seat[r]

        def after(y: int) -> int:
            return b if y in out_a else a if y in out_b else seat[y]

        d = 0
        moving = out_a + out_b
        for x in moving:
            for y in self.problem.apart[x]:
                if y in moving and y < x:
                    continue  # the pair is counted from its other end
                d += (after(x) == after(y)) - (seat[x] == seat[y])
        return d

    def _revisit_delta(self, leaving: tuple[int, ...], old: int, new: int) -> int:
        d = 0
        for x in leaving:
            if self.problem.travellers[x]:
                visits = self.visits[x]
                d += (visits.get(new, 0) >= 1) - (visits[old] >= 2)
        return d

    def _touch_pair(self, r: int, i: int, y: int) -> None:
        """Note the tables where `i` and `y` also meet: they now hold a repeat too."""
        for s in range(self.rounds):
            if s != r and self.seat[s][i] >= 0 and self.seat[s][i] == self.seat[s][y]:
                self.touched.append(s * self.tables + self.seat[s][i])

    def _touch_visit(self, r: int, i: int, t: int) -> None:
        for s in range(self.rounds):
            if s != r and self.seat[s][i] == t:
                self.touched.append(s * self.tables + t)
