"""coach-site: private coaching workbooks from one YAML file per client."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("coach-site")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"
