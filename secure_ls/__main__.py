from secure_ls.cli import main

raise SystemExit(main())
