"""The console's URL table at /console/: pages register on `bp` from their own modules."""

from flask import Blueprint

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
               static_folder="static", static_url_path="/static")
