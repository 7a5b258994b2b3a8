"""The web app in the bot's process: the staff console (/web/), the public map (/public/) and
the Open311 GeoReport v2 API (/open311/v2/), served on `[web] listen`.

Pages are rendered on the server (Jinja2); the little JavaScript there is draws the map.
Everything a page needs (styles, scripts, the map library, the CJK font) is served from the
package, because district networks are often closed.
"""

from bot.web.app import mount

__all__ = ["mount"]
