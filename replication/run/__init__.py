"""Running a table: one training run with checkpoints and resume (`train`), every (method, seed) run of a
table through one protocol (`experiment`), and the results file with its provenance (`results`)."""
