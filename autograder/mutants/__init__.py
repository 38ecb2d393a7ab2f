"""Mutants of a reference solution: small changes to its syntax tree, each the kind of mistake a student makes.

``sites`` walks the exercise's functions and says where a change may go;
``syntax_operators``, ``keras_operators`` and ``numpy_operators`` each
propose changes of their kind at a site, and ``operators`` lists them in the
order they are tried; ``generate`` applies them one at a time, keeps each
mutant that compiles and differs from the reference and every earlier
mutant, and returns them as ``mutant.Mutant`` records. Grading the mutants
(killed, survived, equivalent) is the caller's: this package never runs
the code it writes.
"""
