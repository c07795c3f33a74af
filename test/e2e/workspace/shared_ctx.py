from multiprocessing import Queue

from sanic import Sanic

app = Sanic("SharedCtx")
app.shared_ctx.queue = Queue()


@app.main_process_start
async def fill(app):
    app.shared_ctx.ok = Queue()
