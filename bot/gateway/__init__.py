"""The front door every channel shares: durable inbox, per-citizen order, flood gate, core."""
