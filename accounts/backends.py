from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from core.validators import MOBILE_RE


class PhoneBackend(ModelBackend):
    """Lets a user type their mobile number where allauth asks for a username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password or not MOBILE_RE.fullmatch(username):
            return None
        User = get_user_model()
        try:
            user = User.objects.get(phone=username)
        except User.DoesNotExist:
            User().set_password(password)  # same cost as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
