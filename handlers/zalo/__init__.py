"""The Zalo Official Account channel: webhook in, customer-service messages out."""
