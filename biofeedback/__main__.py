from biofeedback.app import main

raise SystemExit(main())
