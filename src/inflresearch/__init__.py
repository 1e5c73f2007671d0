"""inflresearch: test influencer-marketing folklore with honest statistics.

Example:
    >>> import inflresearch
    >>> isinstance(inflresearch.__version__, str)
    True
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("inflresearch")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"
