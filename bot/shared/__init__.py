"""State shared by every worker: flood control, send rate, staff-alert limit, job locks."""
