"""The demo fills the review queue and can be loaded twice."""

import io

from amparo.core.demo import load as load_world
from amparo.matching import demo
from amparo.matching.models import MatchPair


def test_demo_creates_pairs_for_review_and_is_idempotent(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    load_world(io.StringIO())
    demo.load(io.StringIO())
    pairs = MatchPair.objects.count()
    assert pairs >= 3
    demo.load(io.StringIO())
    assert MatchPair.objects.count() == pairs
