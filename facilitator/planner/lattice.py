"""A seating with no repeat at all for the first rounds, when the table count allows.

With q tables, q a prime power, put people on a grid: column x (0..q-1), row y, with
hosts in row 0 at their own table. In round m, person (x, y) sits at table x + m*y,
computed in the field GF(q). Two people of different rows meet in exactly one of the q
rounds, two of one row never, and nobody but a host sits twice at a table. It is the
affine plane behind Kirkman's schoolgirls; the search starts from it when there is
nothing else to weigh (no history, languages, roles or wishes).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from facilitator.planner.types import Problem

Operation = Callable[[int, int], int]

# Monic irreducible polynomials (coefficients from x^0 up, leading 1 left out) that
# build GF(p^k) for the prime powers up to 128 that are not primes.
IRREDUCIBLE = {
    4: (2, (1, 1)),
    8: (2, (1, 1, 0)),
    16: (2, (1, 1, 0, 0)),
    32: (2, (1, 0, 1, 0, 0)),
    64: (2, (1, 1, 0, 0, 0, 0)),
    128: (2, (1, 1, 0, 0, 0, 0, 0)),
    9: (3, (1, 0)),
    27: (3, (1, 2, 0)),
    81: (3, (2, 0, 0, 1)),
    25: (5, (2, 0)),
    125: (5, (2, 3, 0)),
    49: (7, (1, 0)),
    121: (11, (1, 0)),
}


def lattice_rounds(problem: Problem, rng: random.Random) -> list[list[int]]:
    """Seats (table per person) for the first rounds, or none when it does not apply."""
    q = len(problem.capacities)
    hosts = _hosts(problem)
    if hosts is None or not _plain(problem):
        return []
    arithmetic = field(q)
    if arithmetic is None:
        return []
    add, mul = arithmetic
    travellers = [i for i in range(len(problem.languages)) if i not in hosts]
    rng.shuffle(travellers)
    first = 1 if hosts or len(travellers) < q * (q - 1) else 0
    rows = -(-len(travellers) // q)
    if first + rows > q or min(problem.capacities) < rows + bool(hosts):
        return []
    grid = {host: (table, 0) for host, table in hosts.items()}
    for k, person in enumerate(travellers):
        grid[person] = (k % q, first + k // q)
    n = len(problem.languages)
    return [
        [add(grid[i][0], mul(m, grid[i][1])) for i in range(n)]
        for m in range(min(q, problem.rounds))
    ]


def _hosts(problem: Problem) -> dict[int, int] | None:
    """Host -> table when only hosts are pinned, one per table at most, else None."""
    hosts: dict[int, int] = {}
    for u, members in enumerate(problem.units):
        tables = {row[u] for row in problem.pins}
        if tables == {-1}:
            continue
        if len(tables) > 1 or len(members) > 1:
            return None
        hosts[members[0]] = tables.pop()
    return hosts if len(set(hosts.values())) == len(hosts) else None


def _plain(problem: Problem) -> bool:
    """Nothing but encounters to care about: no history, languages, roles or groups."""
    return (
        not problem.past_tables
        and all(len(members) == 1 for members in problem.units)
        and not any(problem.languages)
        and problem.role_count < 2
        and not any(problem.apart)
    )


def field(q: int) -> tuple[Operation, Operation] | None:
    """Addition and multiplication of GF(q) on 0..q-1, if q is a prime or listed."""
    if q < 2:
        return None
    if all(q % d for d in range(2, int(q**0.5) + 1)):
        return (lambda a, b: (a + b) % q), (lambda a, b: (a * b) % q)
    if q not in IRREDUCIBLE:
        return None
    p, low = IRREDUCIBLE[q]
    k = len(low)
    digits = [[(v // p**i) % p for i in range(k)] for v in range(q)]
    add = [
        [_value([(x + y) % p for x, y in zip(a, b, strict=True)], p) for b in digits]
        for a in digits
    ]
    mul = [[_value(_times(a, b, p, low), p) for b in digits] for a in digits]
    return (lambda a, b: add[a][b]), (lambda a, b: mul[a][b])


def _times(a: list[int], b: list[int], p: int, low: tuple[int, ...]) -> list[int]:
    """a * b for polynomials over GF(p), reduced by x^k + low."""
    k = len(low)
    product = [0] * (2 * k - 1)
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            product[i + j] = (product[i + j] + x * y) % p
    for degree in range(2 * k - 2, k - 1, -1):
        top = product[degree]
        if top:  # x^k = -low: fold the top term down
            for i, c in enumerate(low):
                product[degree - k + i] = (product[degree - k + i] - top * c) % p
    return product[:k]


def _value(digits: list[int], p: int) -> int:
    return sum(d * p**i for i, d in enumerate(digits))
