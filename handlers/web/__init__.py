"""The chat side of the web console: sign-in links sent in private chats, and links to pages."""
