"""Historical search (424.3): plate, partial plate, canvass, multi-scene and associates.

The section's panel is `app.ui.search.search_panel.SearchPanel(services, caller)`; pyqtgraph
loads only when that module is imported, so the log-in window never waits for it.
"""
