"""Accounts: allauth adapters and the invitation token.

There is no public sign-up: the support team creates a person and the system e-mails an invitation
whose link lets them choose a password (see ``services.person_invite``).
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator) -> bool:
        # Where two-factor authentication is compulsory for staff, they may not switch it off.
        user = authenticator.user
        return not (settings.MFA_REQUIRED_FOR_STAFF and user.is_support_staff)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Like a password-reset token (void once a password is set) but with its own salt and lifetime."""

    key_salt = "coodyssee.accounts.InvitationTokenGenerator"

    def check_token(self, user, token):
        # The parent reads its lifetime from PASSWORD_RESET_TIMEOUT; an invitation lasts
        # INVITATION_TIMEOUT_DAYS. Same checks otherwise: signature, then age.
        if not (user and token):
            return False
        try:
            ts = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            return False
        return (self._num_seconds(self._now()) - ts) <= settings.INVITATION_TIMEOUT_DAYS * 24 * 3600


invitation_token_generator = InvitationTokenGenerator()
