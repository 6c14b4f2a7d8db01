"""Kernel tests: the sample plugins in ``kernel_samples`` are importable from here."""
