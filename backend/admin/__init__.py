"""Running the service from the browser: staff accounts, the chat's opening hours and
closures, boards and councils, and reading the audit log. Admins only; every change is
written to the append-only audit log in the same transaction."""
