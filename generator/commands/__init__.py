"""One module per subcommand: ``configure(parser)``, ``run(args) -> int``, optional ``DESCRIPTION``;
the one-line help of each is in :data:`generator.cli.COMMANDS`."""
