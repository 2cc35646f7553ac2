"""Per-paper configuration dataclasses and their profiles (collected by replication.profiles)."""
