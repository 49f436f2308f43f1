"""The Learning Week briefing: slides, the offline HTML export, the PowerPoint deck and the `briefing` command."""
