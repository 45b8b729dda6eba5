"""The JWT tab: tab.py holds the tab, the other modules its panels."""
