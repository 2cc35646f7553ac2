"""What a run is set to: per-paper configuration dataclasses, the profiles that pick one per scale
(`profiles`), and the checks on notebook parameters (`parameters`)."""
