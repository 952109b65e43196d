"""Fewer repeats under the new-tables rule, by exchanging parts of two travellers' routes.

When every traveller visits each table once, moving one person to another table sends
them back to a table they see in another round. Exchanging two people x and y in two
rounds r and s, where x sits at a then b and y at b then a, keeps both routes new and
every table's size: the move of the resolvable-design searches (the social golfer
problem with a table per group). Swaps within one round to tables neither has seen are
tried too, for plans with fewer rounds than tables. Deterministic: evaluations, not time.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from facilitator.planner.state import State

CULPRITS = 8  # people in a repeat whose exchanges are tried at each step
TENURE = (3, 10)  # steps a person may not move again in a round they just moved in

Seats = tuple[tuple[int, int, int], ...]  # (person, round, table) after the exchange
Exchange = tuple[int, Seats]  # its change in cost, and the new seats


class RouteSearch:
    """Tabu search over route exchanges that never add a return to a table."""

    def __init__(self, state: State, rng: random.Random, rounds: list[int]) -> None:
        self.state, self.rng, self.rounds = state, rng, rounds
        p = state.problem
        self.free = [
            [
                p.pins[r][state.unit_of[i]] < 0 and len(p.units[state.unit_of[i]]) == 1
                for i in range(len(p.languages))
            ]
            for r in range(state.rounds)
        ]
        self.cost = self.best_cost = state.cost()
        self.best = [row[:] for row in state.seat]
        self.tabu: dict[tuple[int, int], int] = {}
        self.steps = 0
        self.spent = 0

    def run(self, evaluations: int, patience: int, lowest: int) -> None:
        """Search until `evaluations`, `patience` without a better plan, or no repeat left."""
        idle_since = 0
        while self.spent < evaluations and self.state.repeats > lowest:
            if self.spent - idle_since > patience:
                break
            best = self._step()
            if best is None:
                break
            if self.cost < self.best_cost:
                self.best_cost, self.best = self.cost, [row[:] for row in self.state.seat]
                idle_since = self.spent
        self._restore()

    def _step(self) -> Exchange | None:
        chosen: Exchange | None = None
        ties = 0
        for x, r in self._culprits():
            for move in self._exchanges(x, r):
                change, seats = move
                tabu = any(self.tabu.get((i, q), 0) > self.steps for i, q, _t in seats)
                if tabu and self.cost + change >= self.best_cost:
                    continue
                if chosen is None or change < chosen[0]:
                    chosen, ties = move, 1
                elif change == chosen[0]:
                    ties += 1
                    if self.rng.randrange(ties) == 0:
                        chosen = move
        if chosen is not None:
            self._seat(chosen[1])
            self.cost += chosen[0]
            self.steps += 1
            for i, q, _t in chosen[1]:
                self.tabu[(i, q)] = self.steps + self.rng.randint(*TENURE)
        return chosen

    def _culprits(self) -> list[tuple[int, int]]:
        """A few (person, round) in a repeat, picked at random."""
        state, rng = self.state, self.rng
        found: list[tuple[int, int]] = []
        n = len(state.problem.languages)
        for _ in range(CULPRITS * 4):
            if len(found) == CULPRITS:
                break
            r, x = rng.choice(self.rounds), rng.randrange(n)
            self.spent += 1
            if not self.free[r][x] or (x, r) in found:
                continue
            mine, table = state.met[x], state.members[r][state.seat[r][x]]
            if any(mine.get(y, 0) >= 2 for y in table):
                found.append((x, r))
        return found

    def _exchanges(self, x: int, r: int) -> Iterator[Exchange]:
        """Exchanges moving x in round r that add no return to a table, with their cost.

        In rounds r and s, each traveller is an arrow from their table in r to their
        table in s; turning round a cycle of arrows (two or three people) keeps every
        table's size in both rounds and every route free of returns.
        """
        state = self.state
        seat_r, free_r = state.seat[r], self.free[r]
        a = seat_r[x]
        for s in self.rounds:
            seat_s, free_s = state.seat[s], self.free[s]
            b = seat_s[x]
            if s == r or b == a or not free_s[x]:
                continue
            for y in state.members[r][b]:
                if not (free_r[y] and free_s[y]):
                    continue
                c = seat_s[y]
                if c == a:
                    yield self._priced(((x, r, b), (x, s, a), (y, r, a), (y, s, b)))
                    continue
                for z in state.members[r][c]:
                    if seat_s[z] == a and z != x and free_r[z] and free_s[z]:
                        yield self._priced(
                            ((x, r, b), (x, s, a), (y, r, c), (y, s, b), (z, r, a), (z, s, c))
                        )
        visits = state.visits
        for b in range(state.tables):
            if b == a or visits[x].get(b, 0):
                continue
            for y in state.members[r][b]:
                if free_r[y] and not visits[y].get(a, 0):
                    yield self._priced(((x, r, b), (y, r, a)))

    def _priced(self, seats: Seats) -> Exchange:
        """The exchange with what it changes in the cost (tried, then undone)."""
        state = self.state
        self.spent += len(seats)  # each seat changed costs about one evaluation
        before = tuple((i, q, state.seat[q][i]) for i, q, _t in seats)
        self._seat(seats)
        change = state.cost() - self.cost
        self._seat(before)
        return change, seats

    def _seat(self, seats: Seats) -> None:
        state = self.state
        for i, q, _t in seats:
            state.remove(q, i)
        for i, q, t in seats:
            state.add(q, i, t)
        state.touched.clear()

    def _restore(self) -> None:
        state = self.state
        for r in self.rounds:
            row = self.best[r]
            for i, t in enumerate(row):
                if state.seat[r][i] != t:
                    state.remove(r, i)
            for i, t in enumerate(row):
                if state.seat[r][i] < 0:
                    state.add(r, i, t)
        state.touched.clear()
        self.cost = state.cost()
