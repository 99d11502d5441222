from quittex.cli.app import main

main()
