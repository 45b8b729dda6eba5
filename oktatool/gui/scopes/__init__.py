"""The Scopes tab: tab.py holds the tab, the other modules its panels."""
