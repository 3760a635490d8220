"""The practice portal: each practice's named children, their outreach, its rates, and
the audit log of every read of them. ``access`` is the one way in, ``audit`` the one
way the log is written, ``loading`` what publishing a run brings."""
