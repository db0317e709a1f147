import sys

if "--changelog" in sys.argv[1:]:
    from bench.changelog import main  # python -m bench --changelog: the change log's cost, in turns
elif "--import" in sys.argv[1:]:
    from bench.importing import main  # python -m bench --import: Xero's template, 100,000 rows
else:
    from bench.run import main

raise SystemExit(main())
