"""The command line's argparse tree, one module per area; ``oktatool.cli.build_parser`` puts it together.

Imported only when a command line is not the window's plain one, so none of it weighs on the window's start-up.
"""
