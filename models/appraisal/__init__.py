"""Appraisal: periods, scoresheets, scoring, the rules at work, deductions and review."""
