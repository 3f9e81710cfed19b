"""Version 1 routers, one module per URL resource."""
