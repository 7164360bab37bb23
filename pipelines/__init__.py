"""MAS screen: a nightly batch pipeline that flags patients at risk of macrophage activation syndrome."""

__version__ = "0.1.0"
