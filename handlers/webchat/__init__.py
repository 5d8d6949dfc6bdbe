"""The web chat channel: the commune portal's chat window, over the same front door."""
