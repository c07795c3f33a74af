from sanic import Sanic

peer = Sanic("Peer")


@peer.get("/")
async def hello(request):
    return "hello"
