"""The district map: its data, the SVG component with the timeline,
the Leaflet view, the server-drawn picture and the ranking table."""
