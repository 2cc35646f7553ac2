"""Replication of four conditional-GAN papers."""
