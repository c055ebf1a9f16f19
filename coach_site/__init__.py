"""coach-site: private coaching workbooks from one YAML file per client."""


def __getattr__(name: str) -> str:
    # `coach_site.__version__`, looked up when asked for (`coach-site --version`): reading
    # the installed package's metadata is a noticeable part of the start-up of a command,
    # and most commands never need it.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("coach-site")
        except PackageNotFoundError:  # running from a source tree that is not installed
            return "0.0.0+source"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
