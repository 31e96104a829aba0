from journeyapi.console import main

main()
