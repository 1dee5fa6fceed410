"""Tests of the magnesium integration."""
