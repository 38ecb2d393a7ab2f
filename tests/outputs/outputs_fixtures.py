"""Sentences shared by the output tests (importable by name: tests/outputs has no __init__)."""
HOSTILE = "<script>alert(1)</script>"
MASK_SENTENCE = "The dropout mask is not rescaled by 1/(1-rate) (Lecture 3, inverted dropout)."
STEP_SENTENCE = "The hidden state does not use the previous state (Lecture 5, RNN step)."
