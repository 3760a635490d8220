"""Sizes and the year of the synthetic populations the generator's tests share."""

YEAR = 2024
SMALL = 2_000  # every contract check must hold for this few children
CALIBRATION = 20_000  # enough children for the rates to be read
