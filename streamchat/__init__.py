"""StreamChat: a live-streaming community site."""
