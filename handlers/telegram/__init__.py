"""The Telegram channel: python-telegram-bot as transport, every decision made by the core."""
