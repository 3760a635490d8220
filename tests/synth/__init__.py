"""Tests of the synthetic population generator and the geography package."""
