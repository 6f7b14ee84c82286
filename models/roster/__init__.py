"""The duty roster: posts, shifts, duties, rotations, swaps, check-in and coverage."""
