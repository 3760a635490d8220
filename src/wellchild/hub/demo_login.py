"""The password every demo account shares (the coordinator, the people of the demo
organizations, the practice nurse).

It lives apart from :mod:`wellchild.hub.demo`, which seeds the demo and calls on the
portal's :mod:`wellchild.hub.portal.demo`, so that the portal's part needs nothing from
the module that calls it.
"""

from __future__ import annotations

DEMO_PASSWORD = "wellchild-demo"
