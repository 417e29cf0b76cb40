"""Panotti."""
