"""The organisation: departments, positions, their duties, standards and point rules."""
