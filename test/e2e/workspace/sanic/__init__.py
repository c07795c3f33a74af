"""A stand-in for Sanic in the end-to-end tests (Sanic cannot be installed here).

Only what the fixture apps use: `Sanic(name)` with route and listener decorators that do nothing.
`python -m sanic module:app` runs __main__.py, which imitates Sanic's process layout and inspector.
"""


class Sanic:
    def __init__(self, name):
        self.name = name

    def _decorator(self, *args, **kwargs):
        return lambda fn: fn

    get = post = route = listener = main_process_start = main_process_ready = _decorator
