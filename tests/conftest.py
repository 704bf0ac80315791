"""Shared fixtures. App-specific fixtures live next to their tests."""
