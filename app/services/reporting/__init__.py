"""Round reports for steering groups: the data, the charts drawn statically, the PDF."""
