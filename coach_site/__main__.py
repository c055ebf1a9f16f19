from coach_site.cli import main

main()
