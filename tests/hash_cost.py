"""Real scrypt at a test's cost (the parameters travel in every hash line, so verification is unchanged)."""

FAST = {"n": 2**4, "r": 8, "p": 1}
