"""The seeder: one object whose parts (one module each, by what they write) share
the random stream and what has been written so far, so that the same seed gives the
same rows."""

import random
from collections import Counter

from bench.scale.cases import Cases
from bench.scale.chronologies import Chronologies
from bench.scale.clocks import Clocks
from bench.scale.overviews import Overviews
from bench.scale.panels import Panels
from bench.scale.people import People
from bench.scale.plans import Plans
from bench.scale.reviews import Reviews
from bench.scale.world import _Board, _Case
from scr.deadlines.models import Deadline


class _Seeder(People, Cases, Panels, Reviews, Chronologies, Overviews, Plans, Clocks):
    def __init__(self, *, boards, cases, seed, entries_scale, actions, open_clocks, today, log):
        self.rng = random.Random(seed)  # noqa: S311 - reproducible fiction, not secrets
        self.seed = seed
        self.n_boards, self.n_cases = boards, cases
        self.entries_scale = entries_scale
        self.n_actions = actions
        self.open_clocks = open_clocks
        self.today = today
        self.log = log
        self.counts: Counter[str] = Counter()
        self.deadlines: list[Deadline] = []
        self.worlds: list[_Board] = []
        self.cases: list[_Case] = []
        self.padding = 0
