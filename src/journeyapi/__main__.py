from journeyapi.cli import main

main()
