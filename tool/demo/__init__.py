"""``nianbao demo`` and the synthetic, balanced data it (and the tests and benchmark) use."""
