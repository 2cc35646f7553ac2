"""Metrics. Every number carries its protocol (extractor, reference split, sample counts, bins)."""
