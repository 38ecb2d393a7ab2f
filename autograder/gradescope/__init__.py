"""Gradescope: the autograder zip that grades as we do (:mod:`.archive`) and the results.json it
writes for each submission (:mod:`.results`)."""
