"""Network architectures, one file per family."""
