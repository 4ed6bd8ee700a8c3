from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    # Accounts are created by admins and secretaries, never by visitors.
    def is_open_for_signup(self, request):
        return False
