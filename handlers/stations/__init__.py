"""Warm stations (暖心驿站): the nearest open places to rest, charge a phone or drink water."""
