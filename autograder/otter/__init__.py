"""otter-grader's notebooks and rules, in one place: reading an otter-assign master
(:mod:`.master`), importing it as an assignment (:mod:`.importer`), its two kinds of test case
(:mod:`.cases`), its scoring per case (:mod:`.scoring`), its Gradescope results
(:mod:`.gradescope`) and its ``final_grades.csv`` (:mod:`.final_grades`). The core meets it
only through :mod:`autograder.extensions`.
"""
