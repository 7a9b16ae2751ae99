from app.devservices.run import main

raise SystemExit(main())
