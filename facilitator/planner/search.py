"""The rotation planner's search: a start (lattice or greedy), then tabu search.

Pure and deterministic: all randomness comes from one `random.Random(seed)`, and the
search stops after a number of cost evaluations, never after a time, so the same
input and seed give the same plan on any machine.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from facilitator.planner.lattice import lattice_rounds
from facilitator.planner.routes import RouteSearch
from facilitator.planner.start import SAMPLE, Bound, bound, construct, place
from facilitator.planner.state import REPEAT, State, revisit_weight
from facilitator.planner.types import Problem

CULPRITS = 16  # conflicted units whose moves are tried at each step
STEP_COST = 20  # what picking culprits costs, in evaluations: small cases end in time
TENURE = (4, 14)  # a unit may not go back to a table it left for this many steps
# What a return costs on the way under the new-tables rule: passing through plans with
# returns reaches fewer repeats than keeping them out from the start (30/6/6, 3 seeds:
# 44-48 repeats against 49-59 in the end).
WAYPOINT = 2 * REPEAT


Move = tuple[int, int, int, int, tuple[int, ...], tuple[int, ...]]  # change, r, a, b, out_a, out_b


@dataclass
class Budget:
    """How long to search, in cost evaluations (deterministic, unlike seconds)."""

    evaluations: int  # for the whole plan, all phases together
    patience: int  # without a new best before a restart (or the end), while repeats remain
    polish: int  # without a new best before the end, once only extras remain
    restarts: bool  # shaking the seats pays on small hard plans; big ones just stop
    spent: int = 0


def solve(problem: Problem, seed: int, effort: float) -> list[list[int]]:
    """The best seats found, as table index per round and person.

    Round by round first (each new round repaired against the ones before), then all
    rounds together, where a swap in an early round can free a later one.
    """
    rng = random.Random(seed)
    state = State(problem)
    if problem.new_tables:
        state.revisit = WAYPOINT  # returns allowed on the way, then taken away
    plan = budget(problem, effort)
    targets = []
    lattice = lattice_rounds(problem, rng)
    for r in range(problem.rounds):
        if r < len(lattice):
            targets.append(place(state, r, lattice[r]))
            continue
        targets.append(construct(state, r, rng))
        if problem.rounds > 1:
            limit = plan.spent + plan.evaluations // (2 * problem.rounds)
            Search(state, rng, plan, None, [r]).run(limit, patience=plan.polish)
    whole = bound(problem, targets)
    everything = list(range(problem.rounds))
    if not problem.new_tables:
        return Search(state, rng, plan, whole, everything).run(plan.evaluations)
    # Under the new-tables rule: few repeats first, with returns merely costly; then
    # returns outweigh all, and the route exchanges take repeats away without a return.
    Search(state, rng, plan, whole, everything).run(plan.spent + plan.evaluations // 3)
    state.revisit = revisit_weight(problem)
    Search(state, rng, plan, whole, everything).run(plan.spent + plan.evaluations // 6)
    routes = RouteSearch(state, rng, everything)
    routes.run(plan.evaluations - plan.spent, plan.patience, whole.repeats)
    return state.seat


def budget(problem: Problem, effort: float) -> Budget:
    """Most for small, hard plans of many rounds (schoolgirls, golfers): 1-2 s at worst;
    least for one round, which the server waits for (a few tenths at worst)."""
    slots = len(problem.languages) * problem.rounds
    small = slots <= 1_000
    if problem.rounds == 1:
        evaluations, patience, polish = 100_000, 20_000, 5_000
    elif small:
        evaluations = min(600_000, 50_000 + 6_000 * slots)
        patience, polish = evaluations // 6, 20_000
    else:
        evaluations, patience, polish = 250_000, 30_000, 20_000
    return Budget(int(effort * evaluations), int(effort * patience), int(effort * polish), small)


class KeySet:
    """A set of ints with a random pick in constant time."""

    def __init__(self) -> None:
        self.items: list[int] = []
        self.where: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self.items)

    def add(self, key: int) -> None:
        if key not in self.where:
            self.where[key] = len(self.items)
            self.items.append(key)

    def discard(self, key: int) -> None:
        at = self.where.pop(key, None)
        if at is not None:
            last = self.items.pop()
            if at < len(self.items):
                self.items[at] = last
                self.where[last] = at

    def pick(self, rng: random.Random) -> int:
        return self.items[rng.randrange(len(self.items))]


class Search:
    """Tabu search: move units away from conflicted tables, best allowed move first."""

    def __init__(
        self,
        state: State,
        rng: random.Random,
        budget: Budget,
        bound: Bound | None,
        rounds: list[int],
    ) -> None:
        self.state, self.rng, self.budget, self.bound = state, rng, budget, bound
        self.rounds, self.active = rounds, set(rounds)
        self.step_count = 0
        self.last_gain = budget.spent
        self.tabu: dict[int, int] = {}
        # Tables that may hold a conflict (checked when picked): urgent ones go first.
        self.urgent, self.minor = KeySet(), KeySet()
        for r in rounds:
            self._recheck_round(r)
        self.cost = self.best_cost = state.cost()
        self.best = [row[:] for row in state.seat]
        self.best_saved = True
        self._best: Move | None = None  # the move chosen in the current step
        self._ties = 0

    def run(self, limit: int, patience: int | None = None) -> list[list[int]]:
        """Search until the bound, `limit` evaluations or patience runs out; the best seats."""
        budget = self.budget
        patience = budget.patience if patience is None else patience
        lowest = self.bound.cost if self.bound else -1
        while (self.urgent or self.minor) and self.cost > lowest and budget.spent < limit:
            idle = budget.spent - self.last_gain
            if self._only_extras_left():
                if idle > budget.polish:
                    break
            elif idle > patience:
                if self.bound is None or not budget.restarts:
                    break
                self._perturb()
            self._step()
        if self.cost > self.best_cost:
            self._restore()
        return self.state.seat

    def _only_extras_left(self) -> bool:
        """Nothing but languages, roles or revisits left to gain: no repeat can go."""
        if not self.urgent:
            return True
        s, b = self.state, self.bound
        rule_kept = not s.problem.new_tables or s.revisits == 0
        return b is not None and s.hard == 0 and s.repeats <= b.repeats and rule_kept

    def _step(self) -> None:
        state = self.state
        self.budget.spent += STEP_COST
        urgent = len(self.urgent) > 0
        self._best, self._ties = None, 0
        for r, a, unit in self._culprits(self.urgent if urgent else self.minor, urgent):
            self._consider_moves(r, a, unit)
        if self._best is None:
            return
        change, r, a, b, unit, partner = self._best
        if change > 0 and not self.best_saved:
            self._save()
        state.move(r, a, b, unit, partner)
        self.step_count += 1
        self._forbid(state.unit_of[unit[0]], r, a)
        if partner:
            self._forbid(state.unit_of[partner[0]], r, b)
        for changed in (r * state.tables + a, r * state.tables + b, *state.touched):
            if changed // state.tables in self.active:
                self.urgent.add(changed)
                self.minor.add(changed)
        state.touched.clear()
        self.cost += change
        if self.cost < self.best_cost:
            self.best_cost, self.best_saved = self.cost, False
            self.last_gain = self.budget.spent

    def _culprits(self, tables: KeySet, urgent: bool) -> list[tuple[int, int, tuple[int, ...]]]:
        """A few conflicted units, each on a table picked at random among those in conflict."""
        state, rng = self.state, self.rng
        found: list[tuple[int, int, tuple[int, ...]]] = []
        for _ in range(CULPRITS):
            if not tables:
                break
            key = tables.pick(rng)
            r, a = divmod(key, state.tables)
            pins, unit_of = state.problem.pins[r], state.unit_of
            units = [unit_of[i] for i in state.conflicted(r, a, urgent) if pins[unit_of[i]] < 0]
            if not units:
                tables.discard(key)
                continue
            choice = (r, a, state.problem.units[rng.choice(units)])
            if choice not in found:
                found.append(choice)
        return found

    def _consider_moves(self, r: int, a: int, unit: tuple[int, ...]) -> None:
        """Keep the best allowed move or swap of `unit` to another table in `self._best`."""
        state = self.state
        p = state.problem
        pins, units, unit_of = p.pins[r], p.units, state.unit_of
        k, u = len(unit), unit_of[unit[0]]
        for b in self._tables_to_try(a):
            at_b = state.members[r][b]
            moving_in = self._is_tabu(u, r, b)
            if k == 1:
                x = unit[0]
                options = [y for y in at_b if pins[unit_of[y]] < 0 and len(units[unit_of[y]]) == 1]
                if len(at_b) < state.capacities[b]:
                    options.append(-1)
                for y in options:
                    change = state.delta1(r, a, b, x, y)
                    self.budget.spent += 1
                    if change is not None:
                        partner = (y,) if y >= 0 else ()
                        self._offer(change, r, a, b, unit, partner, moving_in)
                continue
            groups: list[tuple[int, ...]] = [units[unit_of[y]] for y in at_b]
            partners = [g for g in groups if len(g) == k and pins[unit_of[g[0]]] < 0]
            if len(at_b) + k <= state.capacities[b]:
                partners.append(())
            for partner in dict.fromkeys(partners):  # each group once, in seating order
                change = state.delta(r, a, b, unit, partner)
                self.budget.spent += 1
                if change is not None:
                    self._offer(change, r, a, b, unit, partner, moving_in)

    def _offer(
        self,
        change: int,
        r: int,
        a: int,
        b: int,
        unit: tuple[int, ...],
        partner: tuple[int, ...],
        moving_in: bool,
    ) -> None:
        """Keep this move if it is allowed and the best so far (ties: a random one)."""
        if moving_in or (partner and self._is_tabu(self.state.unit_of[partner[0]], r, a)):
            if self.cost + change >= self.best_cost:
                return  # tabu, and not good enough to override that
        best = self._best
        if best is None or change < best[0]:
            self._best, self._ties = (change, r, a, b, unit, partner), 1
        elif change == best[0]:
            self._ties += 1
            if self.rng.randrange(self._ties) == 0:
                self._best = (change, r, a, b, unit, partner)

    def _tables_to_try(self, a: int) -> list[int]:
        tables = self.state.tables
        if tables <= SAMPLE + 1:
            return [b for b in range(tables) if b != a]
        return [b for b in (self.rng.randrange(tables) for _ in range(SAMPLE)) if b != a]

    def _is_tabu(self, u: int, r: int, t: int) -> bool:
        return (
            self.tabu.get((u * self.state.rounds + r) * self.state.tables + t, 0) > self.step_count
        )

    def _forbid(self, u: int, r: int, t: int) -> None:
        key = (u * self.state.rounds + r) * self.state.tables + t
        self.tabu[key] = self.step_count + self.rng.randint(*TENURE)

    def _save(self) -> None:
        self.best = [row[:] for row in self.state.seat]
        self.best_saved = True

    def _restore(self) -> None:
        """Go back to the best seats saved (the state must hold them for later phases)."""
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

    def _perturb(self) -> None:
        """Shake the seats with random swaps, to leave a region the search is stuck in."""
        if not self.best_saved and self.cost <= self.best_cost:
            self._save()
        state, rng = self.state, self.rng
        p = state.problem
        singles = {
            r: [u for u, m in enumerate(p.units) if len(m) == 1 and p.pins[r][u] < 0]
            for r in self.rounds
        }
        for _ in range(max(2, len(p.languages) // 4)):
            r = rng.choice(self.rounds)
            if len(singles[r]) < 2:
                continue
            x, y = p.units[rng.choice(singles[r])][0], p.units[rng.choice(singles[r])][0]
            a, b = state.seat[r][x], state.seat[r][y]
            if a != b and state.delta(r, a, b, (x,), (y,)) is not None:
                state.move(r, a, b, (x,), (y,))
        state.touched.clear()
        for r in self.rounds:
            self._recheck_round(r)
        self.cost = state.cost()
        self.last_gain = self.budget.spent

    def _recheck_round(self, r: int) -> None:
        for t in range(self.state.tables):
            key = r * self.state.tables + t
            if self.state.conflicted(r, t, urgent=True):
                self.urgent.add(key)
            if self.state.conflicted(r, t, urgent=False):
                self.minor.add(key)
