"""Tests of autograd_core.viz: DOT content, options, determinism, rendering, large graphs."""
