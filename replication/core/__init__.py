"""The machinery under everything, paper-agnostic: where files live and how they are written (atomic,
checksummed, locked), which device and speed settings a run uses, and how runs spread over processes
(worker pools, torchrun, DDP helpers, EMA). Imports nothing else of the package."""
