"""The medical–dental pilot: rank practices, outreach folders, the referral register and
the evaluation (see docs/outreach.md)."""
