"""Tokens for the personas and a caller that uses them (tests/conftest.py builds the city)."""

import pytest

from api.services import api_token_issue, api_token_revoke

PERSONAS = ("anonymous", "outsider", "member", "secretary", "other_secretary", "admin", "revoked")


@pytest.fixture
def tokens(city) -> dict[str, str | None]:
    """Persona → plaintext token (None for anonymous). "revoked" is the secretary's token after revocation."""
    users = {"outsider": city.outsider, "member": city.member_user, "secretary": city.secretary,
             "other_secretary": city.other_secretary, "admin": city.admin}
    issued = {name: api_token_issue(user=user, name=f"{name} 对接", by=city.admin).plaintext
              for name, user in users.items()}
    revoked = api_token_issue(user=city.secretary, name="已吊销", by=city.admin)
    api_token_revoke(token=revoked.token, by=city.admin)
    return {"anonymous": None, **issued, "revoked": revoked.plaintext}


@pytest.fixture
def call(client, tokens):
    """call(persona, "get", url, data) with that persona's token in the Authorization header."""

    def _call(persona: str, method: str, url: str, data=None):
        headers = {} if tokens[persona] is None else {"Authorization": f"Bearer {tokens[persona]}"}
        if method == "get":
            return client.get(url, data or {}, headers=headers)
        return getattr(client, method)(url, data or {}, content_type="application/json", headers=headers)

    return _call
