"""Accounts and audit: who is signed in, PINs, API tokens, and the audit trail."""
