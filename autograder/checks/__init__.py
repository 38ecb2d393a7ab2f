"""Hidden checks, one package per assignment, one module per exercise.

Nothing in this tree is ever copied into a release or shown to a student.
"""
