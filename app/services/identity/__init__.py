"""Who is asking: users, sign-in, sessions, API keys, rate limits, secrets kept from replays."""
