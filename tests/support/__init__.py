"""What the tests share: drivers, factories and harnesses, each defined once.

Test modules import from here (never from one another, nor from `tests.conftest`, which
holds only fixtures):

- `environment`: the moment every test starts on, the database under test.
- `texts`: the bot's texts in Russian and English, and the non-breaking space money uses.
- `drivers`: the console session, incoming events, pressing buttons.
- `queries`: reading the database back (`count`, orders, scheduled tasks).
- `shops`: organizers, purchases and orders written straight into the database.
- `steps`: what an organizer or a buyer does through the console to get somewhere.
- `referrals`: referral rounds, invite links and the codes they earn.
- `exports`: the header rows of the exported tables.
- `sqlite`: SQLite's file and another process's writer holding its lock.
- `outbox`: the outbox's sender tuned for tests, people and messages queued directly.
- `telegram`: the real Telegram adapter running against the fake Bot API.
- `vk`: the real VK adapter against the fake VK server, driven like people in the VK app.
"""
