"""``magegen new``, stage by stage, in the order data flows through it.

- ``new``: runs the stages for one or several modules (``build`` is the in-process API);
- ``speccatalog``, ``context``: the store a spec is checked against, and what else it reads;
- ``target``: where a module goes and what that folder already holds;
- ``render`` (with ``aclfile`` and ``sync``): the module's files from the templates;
- ``check``: every rendered file checked before anything is written;
- ``drift``, ``write``: the plan for each file, then writing it all or nothing (``lock``
  keeps two runs apart), or the drift ``--check`` and ``--diff`` report;
- ``lifecycle``: what regenerating means for stores (superseded patches, retired integrations).
"""
