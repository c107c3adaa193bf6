"""The vault: renders notes from the store, merges with what is on disk, writes atomically.

This package is the only code that touches vault files.
"""
