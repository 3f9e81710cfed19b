"""A small offline check against passwords that attackers try first."""

# Passwords of twelve or more characters that appear at the top of public breach lists, plus
# local favourites. Short ones are already refused by the length rule.
_COMMON = frozenset(
    {
        "123456789012",
        "1234567890123",
        "12345678901234",
        "123456789123",
        "111111111111",
        "000000000000",
        "qwertyuiopas",
        "qwertyuiop12",
        "qwertyuiop123",
        "1q2w3e4r5t6y",
        "1qaz2wsx3edc",
        "passwordpassword",
        "password1234",
        "password12345",
        "password123456",
        "welcome12345",
        "welcome123456",
        "iloveyou1234",
        "abcdefghijkl",
        "abc123456789",
        "letmein12345",
        "administrator",
        "admin1234567",
        "changeme1234",
        "trustno1trustno1",
        "welkom123456",
        "wachtwoord12",
        "wachtwoord123",
        "wachtwoord1234",
        "wachtwoordje1",
        "geheim123456",
        "voorjaar2026",
        "zomer2026!!!",
        "najaar2026!!",
        "winter2026!!",
        "trustmeter123",
        "trustmeter2026",
        "smarttrust123",
        "gemeente1234",
        "password!234",
        "p@ssw0rd1234",
        "p@ssword1234",
        "qwerty123456",
        "asdfghjkl123",
        "zxcvbnm12345",
        "superman1234",
        "football1234",
        "baseball1234",
        "starwars1234",
        "dragon123456",
        "monkey123456",
        "sunshine1234",
        "princess1234",
        "azertyuiop12",
        "correcthorse",
        "correcthorsebatterystaple",
        "aaaaaaaaaaaa",
        "abcabcabcabc",
        "lovelovelove",
    }
)


def is_common_password(password: str) -> bool:
    lowered = password.lower()
    if lowered in _COMMON:
        return True
    # A single repeated character or a run of one keyboard row is as weak as a listed one.
    if len(set(lowered)) <= 2:
        return True
    return lowered in "1234567890" * 3 or lowered in "qwertyuiopasdfghjklzxcvbnm"
