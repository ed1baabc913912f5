"""The server's base layer: what every domain package may import, importing none of them."""
