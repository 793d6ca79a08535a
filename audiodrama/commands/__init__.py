"""Subcommands that live beside their stage (each module has register(subparsers))."""
