"""One module per working screen of Duty Desk."""
