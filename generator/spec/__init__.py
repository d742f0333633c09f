"""Reading a YAML spec into the spec model."""
