from txbridge.cli import main

main()
