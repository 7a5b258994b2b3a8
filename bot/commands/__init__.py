"""The subcommands of `liaison-bot`; each module adds its parser with `register`."""
