from duty_desk.tui.cli import main

raise SystemExit(main())
