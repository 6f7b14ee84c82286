"""Duty Desk's terminal interface: the App, its CSS, shared widgets and the command palette."""
