"""Sessions of those who handle children's data: coordinators and practice staff are signed
out after ``HUB_IDLE_MINUTES`` idle, and with production's ``HUB_REQUIRE_TWO_FACTOR``
see no page before their second factor (setting it up on the spot); other members are
left alone."""

from __future__ import annotations

import base64
import re
import time
from pathlib import Path
from typing import Any

import factories as make
import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from portal_factories import (
    World,
    fast_passwords,  # noqa: F401  (autouse)
    world,
)
from test_settings import PRODUCTION, _manage

from wellchild.hub.accounts import LAST_SEEN

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def w(tmp_path: Path) -> World:
    found = world(tmp_path)
    found.users["member"] = make.person("Mo Member").user
    return found


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def _idle(client: Client, minutes: float) -> None:
    session = client.session
    session[LAST_SEEN] = time.time() - minutes * 60
    session.save()


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("A nurse", "portal:home"),
        ("coordinator", "portal:audit"),
    ],
)
def test_staff_are_signed_out_after_the_idle_time(
    w: World, settings: Any, who: str, url: str
) -> None:
    settings.HUB_IDLE_MINUTES = 30
    client = _client(w.users[who])
    address = reverse(url)
    assert client.get(address).status_code in (200, 302)
    _idle(client, 29)
    assert client.get(address).status_code in (200, 302)
    assert "_auth_user_id" in client.session
    _idle(client, 31)
    response = client.get(address)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={address}"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 30 minutes without activity." in page


def test_members_without_childrens_data_are_not_timed_out(w: World, settings: Any) -> None:
    settings.HUB_IDLE_MINUTES = 30
    client = _client(w.users["member"])
    assert client.get(reverse("profile")).status_code == 200
    _idle(client, 300)
    assert client.get(reverse("profile")).status_code == 200
    assert LAST_SEEN not in client.session or client.session[LAST_SEEN] < time.time() - 60


@pytest.mark.parametrize("who", ["A nurse", "coordinator"])
def test_two_factor_is_required_of_staff_when_set(w: World, settings: Any, who: str) -> None:
    settings.HUB_REQUIRE_TWO_FACTOR = True
    client = _client(w.users[who])
    wanted = reverse("portal:home")
    # No authenticator yet: set one up first, then go on to the page asked for.
    response = client.get(wanted)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('two-factor')}?next={wanted}"
    setup = client.get(response["Location"]).content.decode()
    assert "needs a second factor: set it up now" in setup
    secret = re.search(r"<code>([A-Z2-7=]+)</code>", setup)
    assert secret is not None
    code = f"{totp(base64.b32decode(secret.group(1))):06d}"
    done = client.post(response["Location"], {"token": code})
    assert done["Location"] == wanted
    assert client.get(wanted).status_code in (200, 302)
    assert client.get(reverse("portal:gap-list", args=[w.a.key])).status_code in (200, 404)
    # It cannot be turned off while required.
    client.post(reverse("two-factor"), {"action": "remove"})
    assert TOTPDevice.objects.filter(user=w.users[who], confirmed=True).exists()

    # Next time: the code before any page.
    again = _client(w.users[who])
    response = again.get(wanted)
    assert response["Location"] == f"{reverse('verify')}?next={wanted}"
    assert again.get(reverse("profile")).status_code == 302


def test_two_factor_is_not_asked_of_other_members(w: World, settings: Any) -> None:
    settings.HUB_REQUIRE_TWO_FACTOR = True
    client = _client(w.users["member"])
    assert client.get(reverse("profile")).status_code == 200
    assert client.get(reverse("portal:home")).status_code == 200


def test_the_production_settings_require_two_factor(tmp_path: Path) -> None:
    key = tmp_path / "key"
    key.write_text("k" * 20 + "Qx8-r2Lm_v9Zp4Tn7Ws1Yc6Hb3Jd5Fg0Ae" * 2)
    code = (
        "from django.conf import settings as s; print(s.HUB_REQUIRE_TWO_FACTOR, s.HUB_IDLE_MINUTES)"
    )
    shown = _manage(
        tmp_path,
        {**PRODUCTION, "WELLCHILD_SECRET_KEY_FILE": str(key), "WELLCHILD_HUB_IDLE_MINUTES": "15"},
        "shell",
        "--no-imports",
        "-c",
        code,
    )
    assert shown.stdout.split() == ["True", "15"], shown.stderr
    development = _manage(tmp_path, {}, "shell", "--no-imports", "-c", code)
    assert development.stdout.split() == ["False", "30"], development.stderr
