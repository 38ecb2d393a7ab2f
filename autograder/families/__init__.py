"""Families of exercises: what the sandbox needs to question one kind of answer (Keras models),
owned here rather than by the sandbox, which knows no family."""
