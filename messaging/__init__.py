"""What handlers, storage and the platform adapters exchange: messages in and out, the port."""
