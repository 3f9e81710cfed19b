"""What a measurement shows: round scores, trends, alerts and the dashboard's view of them."""
