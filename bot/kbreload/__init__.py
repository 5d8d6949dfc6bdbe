"""Reloading the knowledge base without a restart, in every worker.

`versions.request` validates the files and records their fingerprint in `kb_versions`;
`live.LiveKb` (one per process) checks that table every few seconds, rebuilds its matcher in a
thread when the fingerprint changed, and swaps it into the assistant whole.
"""
