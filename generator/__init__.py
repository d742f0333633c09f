"""magegen: write Magento 2 integration modules from a YAML spec."""

__version__ = "0.1.0"
