"""What a dry run writes for people and scripts: JSON Lines and the HTML preview.

(The terminal preview is drawn by the command line, `quittex.cli.dry_run`.)
"""
