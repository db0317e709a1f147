import sys

if "--import" in sys.argv[1:]:
    from bench.importing import main  # python -m bench --import: Xero's template, 100,000 rows
else:
    from bench.run import main

raise SystemExit(main())
