"""Loss functions: pure functions of tensors, one file per paper (plus the shared GAN losses)."""
