"""A password hasher that counts how often it hashes, to prove timing parity."""

from django.contrib.auth.hashers import MD5PasswordHasher


class CountingHasher(MD5PasswordHasher):
    """Every hash goes through ``encode`` (``verify`` re-encodes and compares)."""

    algorithm = "counting_md5"
    calls = 0

    def encode(self, password, salt):
        type(self).calls += 1
        return super().encode(password, salt)
