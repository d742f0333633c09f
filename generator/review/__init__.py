"""Reading and judging existing module trees: validate, reports, acl-diff, spec-from."""
