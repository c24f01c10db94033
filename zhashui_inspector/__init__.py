"""Zhashui Inspector: scoring the county's 法治政府建设示范单位 against the official standards."""

__version__ = "0.1.0"
APP_NAME = "ZhashuiInspector"
