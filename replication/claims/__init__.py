"""A claim's verdict from per-seed numbers: seed-paired intervals and the verdict rule (`stats`), and the
regime checks that gate a verdict to "not tested" when the claim's precondition fails (`regime`)."""
