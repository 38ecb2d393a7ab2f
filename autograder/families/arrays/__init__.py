"""Exercises whose answers are NumPy arrays computed from the inputs (a lecture's array listing):
hidden inputs drawn like the visible test's (``inputs``), the reference solution's answers on
them (``references``), and how a check compares a student's answers with those (``judging``)."""
