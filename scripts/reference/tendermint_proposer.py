#!/usr/bin/env python3
"""Reference proposer sequence of Tendermint's weighted round-robin, written from the Go code
of tendermint/types/validator_set.go (IncrementProposerPriority, RescalePriorities,
shiftByAvgProposerPriority, incrementProposerPriority, getValWithMostPriority), independently
of the Rust implementation in pallets/checkpoint/src/proposer.rs, whose tests compare with it.

  tendermint_proposer.py POWERS ROUNDS     e.g. tendermint_proposer.py 1,2,3,4 20

Validators are numbered 1..n in the order given; validator i has address i (ties between equal
priorities go to the lower address). Prints the proposer of each round.
"""
import sys

PRIORITY_WINDOW_SIZE_FACTOR = 2


def go_div(a, b):
    """Go's `/` on int64: truncation toward zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def big_int_div(a, b):
    """Go's big.Int.Div: Euclidean division."""
    q = a // b
    if a - q * b < 0:
        q += 1 if b < 0 else -1
    return q


class Validator:
    def __init__(self, address, power):
        self.address = address
        self.power = power
        self.priority = 0


def total_power(vals):
    return sum(v.power for v in vals)


def rescale(vals, diff_max):
    if diff_max <= 0:
        return
    diff = max(v.priority for v in vals) - min(v.priority for v in vals)
    ratio = go_div(diff + diff_max - 1, diff_max)
    if diff > diff_max:
        for v in vals:
            v.priority = go_div(v.priority, ratio)


def shift_by_avg(vals):
    avg = big_int_div(sum(v.priority for v in vals), len(vals))
    for v in vals:
        v.priority -= avg


def most_priority(vals):
    best = None
    for v in vals:
        if best is None or v.priority > best.priority or (
                v.priority == best.priority and v.address < best.address):
            best = v
    return best


def increment(vals):
    for v in vals:
        v.priority += v.power
    proposer = most_priority(vals)
    proposer.priority -= total_power(vals)
    return proposer


def increment_proposer_priority(vals):
    rescale(vals, PRIORITY_WINDOW_SIZE_FACTOR * total_power(vals))
    shift_by_avg(vals)
    return increment(vals)


def main():
    powers = [int(p) for p in sys.argv[1].split(",")]
    rounds = int(sys.argv[2])
    vals = [Validator(i + 1, p) for i, p in enumerate(powers)]
    print(", ".join(str(increment_proposer_priority(vals).address) for _ in range(rounds)))


if __name__ == "__main__":
    main()
