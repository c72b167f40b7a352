"""Python client and `avp` command line for the Accessible Video Processing platform."""

from avp_client.client import Client
from avp_client.credentials import CredentialStore
from avp_client.errors import ApiError, AvpError, JobFailed, NotSignedIn, Unavailable, WaitTimeout

__all__ = [
    "ApiError",
    "AvpError",
    "Client",
    "CredentialStore",
    "JobFailed",
    "NotSignedIn",
    "Unavailable",
    "WaitTimeout",
]
