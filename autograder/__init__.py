"""Sandboxed, parallel autograding of deep-learning exercise notebooks."""
